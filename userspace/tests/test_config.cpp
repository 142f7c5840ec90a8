// SPDX-License-Identifier: GPL-2.0
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "fake_backend.hpp"
#include "memplug/config.hpp"
#include "test_util.hpp"

using namespace memplug;
using memplug::test::BackendRef;
using memplug::test::FakeBackend;
using memplug::test::TempDir;
using memplug::test::write_file;
using Json = nlohmann::json;

namespace {

constexpr std::uint64_t kM = std::uint64_t{1} << 20;

constexpr const char *kIomem = "00000000-00000fff : Reserved\n"
			       "00100000-3fffffff : System RAM\n"
			       "  01000000-01ffffff : Kernel code\n"
			       "40000000-7fffffff : Persistent Memory (legacy)\n"
			       "  40000000-47ffffff : Persistent Memory (legacy)\n"
			       "80000000-87ffffff : Reserved\n"
			       "100000000-13fffffff : Persistent Memory (legacy)\n";

// Parses one file called @name with the keys of plug.
struct Parsed {
	std::optional<ConfiguredRange> range;
	std::vector<std::string> errors;
	int iomem_reads = 0;
};

Parsed parse(const std::string &text, const std::string &name = "ranges.d/db.conf",
	     const std::string &iomem = kIomem)
{
	Parsed p;
	const auto keys = cli::plug_keys();
	p.range = parse_config_file(
		name, text, *keys,
		[&p, &iomem]() -> Result<std::string> {
			p.iomem_reads++;
			return iomem;
		},
		p.errors);
	return p;
}

// The one error of @text, which must also yield no range.
std::string error_of(const std::string &text, const std::string &iomem = kIomem)
{
	const Parsed p = parse(text, "ranges.d/db.conf", iomem);
	EXPECT_FALSE(p.range) << text;
	EXPECT_EQ(p.errors.size(), 1u) << text;
	return p.errors.empty() ? std::string() : p.errors.front();
}

} // namespace

TEST(Config, EveryKeyOfPlug)
{
	const Parsed p = parse("# the database's memory\n"
			       "\n"
			       "  start   =   0x40000000  \n"
			       "size = 512M\n"
			       "node = 1\n"
			       "online = kernel\n"
			       "zone = kernel\n"
			       "tier = slow\n"
			       "exclude = 0x40200000-0x403fffff\n"
			       "exclude = 0x40400000-0x40400fff\n"
			       "\t# indented comment\n"
			       "protect = yes\n"
			       "verify = no\n"
			       "memmap-on-memory = no\n"
			       "force = yes\n"
			       "strict-ratio = yes\n"
			       "timeout = 2.5\n");
	ASSERT_TRUE(p.range) << (p.errors.empty() ? "" : p.errors.front());
	EXPECT_TRUE(p.errors.empty());
	EXPECT_EQ(p.iomem_reads, 0);
	const PlugRequest &r = p.range->request;
	EXPECT_EQ(p.range->file, "ranges.d/db.conf");
	EXPECT_EQ(r.start, 0x40000000u);
	EXPECT_EQ(r.size, 512 * kM);
	EXPECT_EQ(r.node, 1u);
	EXPECT_EQ(r.online, OnlineType::Kernel);
	EXPECT_EQ(r.zone, ZonePolicy::Kernel);
	EXPECT_EQ(r.tier, (TierRequest{Tier::Slow, std::nullopt}));
	ASSERT_EQ(r.excludes.size(), 2u);
	EXPECT_EQ(r.excludes[0], (Exclude{0x40200000, 0x200000}));
	EXPECT_EQ(r.excludes[1], (Exclude{0x40400000, 0x1000}));
	EXPECT_TRUE(r.protect);
	EXPECT_FALSE(r.verify);
	EXPECT_FALSE(r.memmap_on_memory);
	EXPECT_TRUE(r.force);
	EXPECT_TRUE(r.strict_ratio);
	EXPECT_EQ(r.timeout, std::chrono::milliseconds(2500));
	// name defaults to the file's name.
	EXPECT_EQ(r.name, "db");
}

TEST(Config, DefaultsAreThoseOfPlug)
{
	const Parsed p = parse("start=0x40000000\nsize=0x10000000\nname = cache one\n");
	ASSERT_TRUE(p.range);
	const PlugRequest &r = p.range->request;
	EXPECT_EQ(r.size, 256 * kM);
	EXPECT_EQ(r.online, OnlineType::Movable);
	EXPECT_FALSE(r.zone);
	EXPECT_FALSE(r.node);
	EXPECT_FALSE(r.tier);
	EXPECT_FALSE(r.protect);
	EXPECT_FALSE(r.timeout);
	EXPECT_EQ(r.name, "cache one");
}

// Every long option of plug is a key, and nothing else is.
TEST(Config, KeysAreDerivedFromPlug)
{
	CLI::App app{"plug"};
	cli::setup_plug(app);
	const auto keys = cli::plug_keys();
	int seen = 0;
	for (const CLI::Option *opt : app.get_options()) {
		for (const auto &name : opt->get_lnames()) {
			if (name == "help" || name == "json") {
				EXPECT_FALSE(keys->kind(name)) << name;
				continue;
			}
			EXPECT_TRUE(keys->kind(name)) << name;
			seen++;
		}
	}
	EXPECT_GE(seen, 14);
	EXPECT_EQ(keys->kind("protect"), PlugKeys::Kind::Flag);
	EXPECT_EQ(keys->kind("exclude"), PlugKeys::Kind::Repeated);
	EXPECT_EQ(keys->kind("online"), PlugKeys::Kind::Value);
	EXPECT_FALSE(keys->kind("--start"));
	EXPECT_FALSE(keys->kind("id"));
}

TEST(Config, ErrorsNameFileAndLine)
{
	EXPECT_EQ(error_of("start = 0x40000000\nsize = 256M\nsizes = 1G\n"),
		  "ranges.d/db.conf:3: unknown key 'sizes'");
	EXPECT_EQ(error_of("start = 0x40000000\nsize = 256M\njson = yes\n"),
		  "ranges.d/db.conf:3: unknown key 'json'");
	EXPECT_EQ(error_of("start = 0x40000000\nsize = 256M\nonline = sideways\n"),
		  "ranges.d/db.conf:3: invalid online type \"sideways\": expected none, online, "
		  "kernel or movable");
	EXPECT_EQ(error_of("start = 40000000\nsize = 256M\n"),
		  "ranges.d/db.conf:1: invalid address \"40000000\": must be hexadecimal with 0x, "
		  "e.g. 0x40000000");
	EXPECT_EQ(error_of("start = 0x40000000\nsize = 256M\n# c\nsize = 512M\n"),
		  "ranges.d/db.conf:4: duplicate key 'size' (first on line 2)");
	EXPECT_EQ(error_of("start = 0x40000000\nsize = 256M\nprotect = true\n"),
		  "ranges.d/db.conf:3: protect: invalid value 'true': expected yes or no");
	EXPECT_EQ(error_of("start = 0x40000000\nsize = 256M\nprotect\n"),
		  "ranges.d/db.conf:3: expected 'key = value'");
	EXPECT_EQ(error_of("start = 0x40000000\nsize = 256M\n = 1\n"),
		  "ranges.d/db.conf:3: expected 'key = value', found no key");
	EXPECT_EQ(error_of("online = kernel\n"),
		  "ranges.d/db.conf: needs start and size, or iomem");
	EXPECT_EQ(error_of("start = 0x40000000\n"), "ranges.d/db.conf:1: start needs size");
	// A size refused on its line is not also missing.
	EXPECT_EQ(error_of("start = 0x40000000\nsize = 1.3K\n"),
		  "ranges.d/db.conf:2: invalid size \"1.3K\": not a whole number of bytes (write "
		  "it in a smaller unit, or in bytes)");
	EXPECT_EQ(error_of("size = 256M\nstart = 0x40000000\niomem = Reserved\n"),
		  "ranges.d/db.conf:3: iomem and start are mutually exclusive (start on line 2)");
	EXPECT_EQ(error_of("start = 0x40000000\nsize = 256M\nindex = 1\n"),
		  "ranges.d/db.conf:3: index needs iomem");
	EXPECT_EQ(error_of("iomem = Persistent Memory\n"),
		  "ranges.d/db.conf:1: iomem: no top-level /proc/iomem range 'Persistent Memory'");
	EXPECT_EQ(error_of("iomem = Persistent Memory (legacy)\nindex = 2\n"),
		  "ranges.d/db.conf:1: iomem: no top-level /proc/iomem range 'Persistent Memory "
		  "(legacy)' with index 2");
	EXPECT_EQ(error_of("iomem = Persistent Memory (legacy)\nindex = x\n"),
		  "ranges.d/db.conf:2: invalid index \"x\": not a decimal number");
	EXPECT_EQ(error_of("iomem = Persistent Memory (legacy)\nsize = 2G\n"),
		  "ranges.d/db.conf:2: size: 2G is more than the iomem range's 1G");
	EXPECT_EQ(error_of("iomem = Reserved\n", "00000000-00000000 : Reserved\n"),
		  "ranges.d/db.conf:1: iomem: /proc/iomem shows no addresses (it needs "
		  "CAP_SYS_ADMIN)");
	// What plug says of the options together is about the whole file.
	EXPECT_EQ(error_of("start = 0x40000000\nsize = 256M\nonline = kernel\nzone = movable\n"),
		  "ranges.d/db.conf: --zone: --online kernel contradicts --zone movable");

	// Every error of a file, each on its line.
	const Parsed p = parse("start = 0x40000000\nsize = 256\nbogus = 1\nnode = -1\n");
	EXPECT_FALSE(p.range);
	ASSERT_EQ(p.errors.size(), 2u);
	EXPECT_EQ(p.errors[0], "ranges.d/db.conf:3: unknown key 'bogus'");
	EXPECT_EQ(p.errors[1].rfind("ranges.d/db.conf:4: invalid node \"-1\"", 0), 0u)
		<< p.errors[1];
}

TEST(Config, IomemNamesTopLevelRanges)
{
	Parsed p = parse("iomem = Persistent Memory (legacy)\n");
	ASSERT_TRUE(p.range) << p.errors.front();
	EXPECT_EQ(p.iomem_reads, 1);
	EXPECT_EQ(p.range->request.start, 0x40000000u);
	EXPECT_EQ(p.range->request.size, 1024 * kM);

	// The nested one of the same name does not count.
	p = parse("iomem = Persistent Memory (legacy)\nindex = 1\nsize = 256M\n");
	ASSERT_TRUE(p.range) << p.errors.front();
	EXPECT_EQ(p.range->request.start, 0x100000000u);
	EXPECT_EQ(p.range->request.size, 256 * kM);

	p = parse("iomem   =   Reserved  \nindex = 1\nforce = yes\n");
	ASSERT_TRUE(p.range) << p.errors.front();
	EXPECT_EQ(p.range->request.start, 0x80000000u);
	EXPECT_EQ(p.range->request.size, 128 * kM);
	EXPECT_TRUE(p.range->request.force);
}

class ConfigDir : public ::testing::Test {
protected:
	Config read()
	{
		const auto keys = cli::plug_keys();
		write_file(dir.path() / "iomem", kIomem);
		return read_config(dir.path() / "ranges.d", *keys, dir.path() / "iomem");
	}

	void conf(const std::string &name, const std::string &text)
	{
		write_file(dir.path() / "ranges.d" / name, text);
	}

	std::string file(const std::string &name) const
	{
		return (dir.path() / "ranges.d" / name).string();
	}

	TempDir dir;
};

TEST_F(ConfigDir, ReadsConfFilesInOrder)
{
	conf("20-b.conf", "start = 0x50000000\nsize = 256M\n");
	conf("10-a.conf", "iomem = Persistent Memory (legacy)\nsize = 256M\n");
	conf("README", "not a configuration\n");
	conf("30-c.conf.dpkg-old", "garbage\n");
	const Config c = read();
	ASSERT_TRUE(c.errors.empty()) << c.errors.front();
	ASSERT_EQ(c.ranges.size(), 2u);
	EXPECT_EQ(c.ranges[0].request.name, "10-a");
	EXPECT_EQ(c.ranges[0].request.start, 0x40000000u);
	EXPECT_EQ(c.ranges[1].request.name, "20-b");
	EXPECT_EQ(c.ranges[1].file, file("20-b.conf"));
}

TEST_F(ConfigDir, OverlapsAndEveryFileReported)
{
	conf("a.conf", "start = 0x40000000\nsize = 512M\n");
	conf("b.conf", "iomem = Persistent Memory (legacy)\nsize = 128M\n");
	conf("c.conf", "start = 0x90000000\nsize = 256M\nverify = maybe\n");
	const Config c = read();
	ASSERT_EQ(c.errors.size(), 2u);
	EXPECT_EQ(c.errors[0],
		  file("c.conf") + ":3: verify: invalid value 'maybe': expected yes or no");
	EXPECT_EQ(c.errors[1], file("b.conf") +
				       ": range 0x40000000+128M overlaps 0x40000000+512M of " +
				       file("a.conf"));
}

TEST_F(ConfigDir, MissingDirectory)
{
	const Config c = read();
	ASSERT_EQ(c.errors.size(), 1u);
	EXPECT_NE(c.errors[0].find("ranges.d: No such file or directory"), std::string::npos)
		<< c.errors[0];
}

namespace {

ConfiguredRange configured(std::uint64_t start, std::uint64_t size, const std::string &name,
			   OnlineType online = OnlineType::Movable)
{
	ConfiguredRange c;
	c.file = name + ".conf";
	c.request.start = start;
	c.request.size = size;
	c.request.name = name;
	c.request.online = online;
	return c;
}

std::vector<std::string> actions(const std::vector<ApplyStep> &steps)
{
	std::vector<std::string> names;
	for (const auto &s : steps)
		names.emplace_back(apply_action_name(s.action));
	return names;
}

using Names = std::vector<std::string>;

} // namespace

class ApplyPlan : public ::testing::Test {
protected:
	ApplyPlan()
	    : fake(dir.path())
	{
		write_file(dir.path() / "host/proc/zoneinfo", memplug::test::zoneinfo_fixture());
	}

	std::vector<Range> plugged() { return fake.range_dump().value(); }

	std::vector<ApplyStep> apply(const std::vector<ConfiguredRange> &config, bool prune = false)
	{
		auto steps = plan_apply(config, plugged(), prune);
		execute_apply(fake, system, config, steps, [](const std::string &) {});
		return steps;
	}

	TempDir dir;
	FakeBackend fake;
	System system{MemorySysfs(dir.path()), HostFiles::under(dir.path() / "host")};
};

TEST_F(ApplyPlan, PlugsThenKeeps)
{
	const std::vector<ConfiguredRange> config = {
		configured(0x40000000, 256 * kM, "a"),
		configured(0x50000000, 128 * kM, "b", OnlineType::Kernel),
	};
	auto steps = plan_apply(config, plugged(), false);
	EXPECT_EQ(actions(steps), (Names{"plug", "plug"}));
	EXPECT_EQ(steps[0].outcome, ApplyOutcome::Planned);

	steps = apply(config);
	EXPECT_EQ(actions(steps), (Names{"plug", "plug"}));
	for (const auto &s : steps) {
		EXPECT_EQ(s.outcome, ApplyOutcome::Done) << s.error.value_or("");
		ASSERT_TRUE(s.result);
	}
	EXPECT_TRUE(apply_succeeded(steps));
	const auto ranges = plugged();
	ASSERT_EQ(ranges.size(), 2u);
	EXPECT_EQ(ranges[1].name, "b");
	EXPECT_EQ(ranges[1].zone_policy, MEMPLUG_ZONE_POLICY_KERNEL);

	// Again: nothing to do, nothing sent but the dump.
	fake.calls.clear();
	steps = apply(config);
	EXPECT_EQ(actions(steps), (Names{"keep", "keep"}));
	for (const auto &s : steps)
		EXPECT_TRUE(s.details.empty()) << s.details.front();
	EXPECT_EQ(fake.calls, (std::vector<std::string>{"range_dump"}));
	EXPECT_TRUE(apply_succeeded(steps));
}

TEST_F(ApplyPlan, DiffersProtectExtraConflict)
{
	fake.preload(0x40000000, 256 * kM, "online_movable").name = "a";
	fake.preload(0x60000000, 128 * kM, "online_movable").name = "x";
	fake.preload(0x80000000, 256 * kM, "online_movable").name = "c";

	auto a = configured(0x40000000, 256 * kM, "a", OnlineType::Kernel);
	a.request.protect = true;
	auto b = configured(0x60000000, 256 * kM, "b"); // overlaps x
	auto c = configured(0x80000000, 256 * kM, "c");
	c.request.protect = true;
	const std::vector<ConfiguredRange> config = {a, b, c};

	auto steps = apply(config);
	EXPECT_EQ(actions(steps), (Names{"differs", "conflict", "protect", "extra"}));
	EXPECT_EQ(steps[0].details,
		  (std::vector<std::string>{"zone movable, configured kernel",
					    "protect no, configured yes (set in place)"}));
	EXPECT_EQ(steps[1].details, (std::vector<std::string>{"overlaps range 2 0x60000000+128M"}));
	EXPECT_EQ(steps[3].range->id, 2u);
	EXPECT_FALSE(apply_succeeded(steps));
	auto ranges = plugged();
	ASSERT_EQ(ranges.size(), 3u);
	EXPECT_TRUE(ranges[0].protect); // set in place even though it differs
	EXPECT_EQ(ranges[0].zone_policy, MEMPLUG_ZONE_POLICY_MOVABLE);
	EXPECT_TRUE(ranges[2].protect);

	// With prune: the odd one goes, the conflict is plugged, the
	// differing one plugged again as configured.
	steps = apply(config, true);
	EXPECT_EQ(actions(steps), (Names{"replace", "plug", "keep", "prune"}));
	for (const auto &s : steps)
		EXPECT_EQ(s.outcome, ApplyOutcome::Done) << s.error.value_or("");
	EXPECT_TRUE(apply_succeeded(steps));
	ranges = plugged();
	ASSERT_EQ(ranges.size(), 3u);
	steps = plan_apply(config, ranges, true);
	EXPECT_EQ(actions(steps), (Names{"keep", "keep", "keep"}));
}

TEST_F(ApplyPlan, AFailureIsReportedAndTheOthersProceed)
{
	fake.add_failures.push_back(Error::kernel("adding", EBUSY, "pages are in use"));
	const std::vector<ConfiguredRange> config = {
		configured(0x40000000, 256 * kM, "a"),
		configured(0x50000000, 128 * kM, "b"),
	};
	const auto steps = apply(config);
	EXPECT_EQ(steps[0].outcome, ApplyOutcome::Failed);
	ASSERT_TRUE(steps[0].error);
	EXPECT_NE(steps[0].error->find("pages are in use"), std::string::npos) << *steps[0].error;
	EXPECT_EQ(steps[1].outcome, ApplyOutcome::Done) << steps[1].error.value_or("");
	EXPECT_FALSE(apply_succeeded(steps));
	EXPECT_EQ(plugged().size(), 1u);
}

TEST(ApplyDifferences, Settings)
{
	PlugRequest req;
	req.start = 0x40000000;
	req.size = 256 * kM;
	req.name = "a";
	req.online = OnlineType::None;
	req.verify = true;
	req.excludes = {{0x40200000, 0x200000}};
	req.tier = TierRequest{Tier::Slow, std::nullopt};
	req.node = 1;
	Range r;
	r.start = req.start;
	r.size = req.size;
	r.name = "b";
	r.node = 0;
	r.state = MEMPLUG_RANGE_STATE_PLUGGED;
	r.blocks = 2;
	r.blocks_online = 2;
	r.zone_policy = MEMPLUG_ZONE_POLICY_ANY;
	r.tier = MEMPLUG_TIER_AUTO;
	EXPECT_EQ(range_differences(req, r),
		  (std::vector<std::string>{"name 'b', configured 'a'", "node 0, configured 1",
					    "blocks online, configured online none",
					    "verify no, configured yes",
					    "exclude none, configured 0x40200000-0x403fffff",
					    "tier auto, configured slow"}));
}

// memplugctl apply as a user runs it.
class ApplyCli : public ConfigDir {
protected:
	ApplyCli()
	    : fake(dir.path())
	{
		write_file(dir.path() / "host/proc/zoneinfo", memplug::test::zoneinfo_fixture());
		write_file(dir.path() / "host/proc/iomem", kIomem);
	}

	int run(std::vector<std::string> args)
	{
		out.str("");
		err.str("");
		args.insert(args.begin(), {"memplugctl", "apply", "--config-dir",
					   (dir.path() / "ranges.d").string()});
		std::vector<const char *> argv;
		for (const auto &a : args)
			argv.push_back(a.c_str());
		cli::Context ctx{
			out,
			err,
			[this]() -> Result<std::unique_ptr<Backend>> {
				connects++;
				return std::unique_ptr<Backend>(std::make_unique<BackendRef>(fake));
			},
			System{MemorySysfs(dir.path()), HostFiles::under(dir.path() / "host")},
			{}};
		return cli::run(static_cast<int>(argv.size()), argv.data(), ctx);
	}

	FakeBackend fake;
	std::ostringstream out;
	std::ostringstream err;
	int connects = 0;
};

TEST_F(ApplyCli, BadConfigurationChangesNothing)
{
	conf("a.conf", "start = 0x40000000\nsize = 256M\n");
	conf("b.conf", "# b\nstart = 0x50000000\nsize = 256M\nzone = sideways\n");
	EXPECT_EQ(run({}), 2);
	EXPECT_EQ(connects, 0);
	EXPECT_EQ(out.str(), "");
	EXPECT_EQ(err.str(),
		  "memplugctl: " + file("b.conf") +
			  ":4: invalid zone \"sideways\": expected movable, kernel or any\n"
			  "memplugctl: apply: errors in the configuration; nothing was "
			  "changed\n");
	EXPECT_TRUE(fake.ranges.empty());

	// With --json, the same in the error document on stdout.
	EXPECT_EQ(run({"--json"}), 2);
	EXPECT_EQ(connects, 0);
	const Json j = Json::parse(out.str());
	EXPECT_EQ(j["error"]["kind"], "usage");
	EXPECT_EQ(j["error"]["exit_code"], 2);
	EXPECT_EQ(j["error"]["message"],
		  file("b.conf") +
			  ":4: invalid zone \"sideways\": expected movable, kernel or any\n"
			  "apply: errors in the configuration; nothing was changed");
	EXPECT_EQ(j["format"], 1);
}

TEST_F(ApplyCli, DryRunThenApplyThenAgain)
{
	conf("a.conf", "start = 0x40000000\nsize = 256M\n");
	conf("b.conf",
	     "iomem = Persistent Memory (legacy)\nindex = 1\nsize = 128M\nonline = kernel\n");
	EXPECT_EQ(run({"--dry-run"}), 0) << err.str();
	EXPECT_EQ(out.str(), "plug a 0x40000000 256M (dry run)\n"
			     "plug b 0x100000000 128M (dry run)\n");
	EXPECT_TRUE(fake.ranges.empty());

	EXPECT_EQ(run({"--json"}), 0) << err.str();
	const Json j = Json::parse(out.str());
	EXPECT_EQ(j["dry_run"], false);
	ASSERT_EQ(j["actions"].size(), 2u);
	EXPECT_EQ(j["actions"][1]["action"], "plug");
	EXPECT_EQ(j["actions"][1]["file"], file("b.conf"));
	EXPECT_EQ(j["actions"][1]["start"], "0x100000000");
	EXPECT_EQ(j["actions"][1]["size"], 128 * kM);
	EXPECT_EQ(j["actions"][1]["result"], "done");
	EXPECT_TRUE(j["actions"][1]["range"].is_number());
	EXPECT_EQ(fake.ranges.size(), 2u);

	EXPECT_EQ(run({}), 0) << err.str();
	EXPECT_EQ(out.str(), "keep a 0x40000000 256M range 1\n"
			     "keep b 0x100000000 128M range 2\n");
	EXPECT_EQ(err.str(), "");

	// A changed file differs until --prune replaces the range.
	conf("b.conf", "iomem = Persistent Memory (legacy)\nindex = 1\nsize = 128M\n");
	EXPECT_EQ(run({}), 1);
	EXPECT_EQ(out.str(),
		  "keep a 0x40000000 256M range 1\n"
		  "differs b 0x100000000 128M range 2: zone kernel, configured movable\n");
	EXPECT_EQ(run({"--prune"}), 0) << err.str();
	EXPECT_EQ(out.str(),
		  "keep a 0x40000000 256M range 1\n"
		  "replace b 0x100000000 128M range 3: zone kernel, configured movable\n");

	// A removed file: extra, then pruned.
	std::filesystem::remove(dir.path() / "ranges.d/a.conf");
	EXPECT_EQ(run({}), 0);
	EXPECT_EQ(out.str(), "keep b 0x100000000 128M range 3\n"
			     "extra a 0x40000000 256M range 1: in no configuration file\n");
	EXPECT_EQ(run({"--prune"}), 0);
	EXPECT_EQ(out.str(), "keep b 0x100000000 128M range 3\n"
			     "prune a 0x40000000 256M range 1: in no configuration file\n");
	EXPECT_EQ(fake.ranges.size(), 1u);
}
