// SPDX-License-Identifier: GPL-2.0
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "fake_backend.hpp"
#include "memplug/iomem.hpp"
#include "test_util.hpp"
#include "version.hpp"

using namespace memplug;
using namespace std::chrono_literals;
using memplug::test::BackendRef;
using memplug::test::FakeBackend;
using memplug::test::TempDir;
using Json = nlohmann::json;

namespace {

// Runs memplugctl with @args against a FakeBackend on a temporary sysfs.
class CliTest : public ::testing::Test {
protected:
	CliTest()
	    : fake(dir.path())
	{
		memplug::test::write_file(dir.path() / "host/proc/zoneinfo",
					  memplug::test::zoneinfo_fixture());
	}

	int run(std::vector<std::string> args)
	{
		out.str("");
		err.str("");
		args.insert(args.begin(), "memplugctl");
		std::vector<const char *> argv;
		for (const auto &a : args)
			argv.push_back(a.c_str());
		cli::Context ctx{
			out,
			err,
			[this]() -> Result<std::unique_ptr<Backend>> {
				connects++;
				if (connect_error)
					return *connect_error;
				return std::unique_ptr<Backend>(std::make_unique<BackendRef>(fake));
			},
			System{MemorySysfs(dir.path()), HostFiles::under(dir.path() / "host")},
			{}};
		return cli::run(static_cast<int>(argv.size()), argv.data(), ctx);
	}

	// Parses only, for the values the options end up with.
	std::unique_ptr<cli::Cli> parse(std::vector<std::string> args)
	{
		args.insert(args.begin(), "memplugctl");
		std::vector<const char *> argv;
		for (const auto &a : args)
			argv.push_back(a.c_str());
		auto c = std::make_unique<cli::Cli>();
		c->app.parse(static_cast<int>(argv.size()), argv.data());
		return c;
	}

	void expect_usage(std::vector<std::string> args, const std::string &needle = {})
	{
		std::string joined;
		for (const auto &a : args)
			joined += a + " ";
		EXPECT_EQ(run(args), 2) << joined << "\n" << err.str();
		EXPECT_EQ(connects, 0) << joined << ": usage errors never reach the kernel";
		EXPECT_EQ(err.str().rfind("memplugctl: ", 0), 0u) << err.str();
		if (!needle.empty()) {
			EXPECT_NE(err.str().find(needle), std::string::npos) << joined << "\n"
									     << err.str();
		}
		EXPECT_EQ(out.str(), "");
	}

	TempDir dir;
	FakeBackend fake;
	std::ostringstream out;
	std::ostringstream err;
	int connects = 0;
	std::optional<Error> connect_error;
};

} // namespace

TEST_F(CliTest, PlugOptionsParse)
{
	auto c = parse({"plug", "--start", "0x40000000", "--size", "512M"});
	const PlugRequest &r = c->options<cli::PlugOptions>("plug").request;
	EXPECT_EQ(r.start, 0x40000000u);
	EXPECT_EQ(r.size, std::uint64_t{512} << 20);
	EXPECT_EQ(r.online, OnlineType::Movable);
	EXPECT_FALSE(r.zone);
	EXPECT_FALSE(r.node);
	EXPECT_FALSE(r.name);
	EXPECT_FALSE(r.protect);
	EXPECT_FALSE(r.tier);
	EXPECT_FALSE(c->options<cli::PlugOptions>("plug").json);

	c = parse({"plug", "--start=0x100000000", "--size", "0x8000000", "--node", "1", "--online",
		   "kernel", "--zone", "kernel", "--protect", "--verify", "--name", "cxl0",
		   "--exclude", "0x100200000-0x1003fffff", "--exclude", "0x100400000-0x100400fff",
		   "--json"});
	const PlugRequest &s = c->options<cli::PlugOptions>("plug").request;
	EXPECT_EQ(s.start, 0x100000000u);
	EXPECT_EQ(s.size, 0x8000000u);
	EXPECT_EQ(s.node, 1u);
	EXPECT_EQ(s.online, OnlineType::Kernel);
	EXPECT_EQ(s.zone, ZonePolicy::Kernel);
	EXPECT_TRUE(s.protect);
	EXPECT_TRUE(s.verify);
	EXPECT_EQ(s.name, "cxl0");
	ASSERT_EQ(s.excludes.size(), 2u);
	EXPECT_EQ(s.excludes[1].size, 4096u);
	EXPECT_TRUE(c->options<cli::PlugOptions>("plug").json);
}

TEST_F(CliTest, PlugTierParses)
{
	const auto tier_of = [this](const std::string &value) {
		auto c =
			parse({"plug", "--start", "0x40000000", "--size", "512M", "--tier", value});
		return c->options<cli::PlugOptions>("plug").request.tier;
	};
	EXPECT_EQ(tier_of("auto"), (TierRequest{Tier::Auto, std::nullopt}));
	EXPECT_EQ(tier_of("dram"), (TierRequest{Tier::Dram, std::nullopt}));
	EXPECT_EQ(tier_of("slow"), (TierRequest{Tier::Slow, std::nullopt}));
	EXPECT_EQ(tier_of("1"), (TierRequest{Tier::Adistance, 1u}));
	EXPECT_EQ(tier_of("2880"), (TierRequest{Tier::Adistance, 2880u}));
	EXPECT_EQ(tier_of("32767"), (TierRequest{Tier::Adistance, 32767u}));
}

TEST_F(CliTest, PlugTierReachesTheKernel)
{
	EXPECT_EQ(run({"plug", "--start", "0x40000000", "--size", "512M"}), 0) << err.str();
	ASSERT_TRUE(fake.last_add);
	EXPECT_FALSE(fake.last_add->tier) << "without --tier the kernel's default";

	EXPECT_EQ(run({"plug", "--start", "0x80000000", "--size", "512M", "--tier", "slow"}), 0)
		<< err.str();
	ASSERT_TRUE(fake.last_add);
	EXPECT_EQ(fake.last_add->tier, (TierRequest{Tier::Slow, std::nullopt}));

	EXPECT_EQ(run({"plug", "--start", "0xc0000000", "--size", "512M", "--tier", "1000"}), 0)
		<< err.str();
	ASSERT_TRUE(fake.last_add);
	EXPECT_EQ(fake.last_add->tier, (TierRequest{Tier::Adistance, 1000u}));
}

TEST_F(CliTest, BadTierIsAUsageErrorAndSendsNothing)
{
	for (const char *bad : {"0", "32768", "-1", "junk", "0576", "2.5", ""}) {
		SCOPED_TRACE(bad);
		expect_usage({"plug", "--start", "0x40000000", "--size", "512M", "--tier", bad},
			     std::string("memplugctl: --tier: invalid tier \"") + bad +
				     "\": expected auto, dram, slow or an abstract distance from 1 "
				     "to 32767\n");
		EXPECT_TRUE(fake.calls.empty());
	}
	expect_usage({"plug", "--start", "0x40000000", "--size", "512M", "--tier"}, "--tier");
	EXPECT_EQ(run({"plug", "--help"}), 0);
	EXPECT_NE(out.str().find("--tier TIER"), std::string::npos) << out.str();
	EXPECT_NE(out.str().find("Memory tiers:"), std::string::npos) << out.str();
}

TEST_F(CliTest, UnplugAndBlocksParse)
{
	auto c = parse({"unplug", "3", "--timeout", "2.5"});
	EXPECT_EQ(c->options<cli::UnplugOptions>("unplug").request.id, 3u);
	EXPECT_EQ(c->options<cli::UnplugOptions>("unplug").request.timeout, 2500ms);
	c = parse({"unplug", "3"});
	EXPECT_FALSE(c->options<cli::UnplugOptions>("unplug").request.timeout);
	c = parse({"blocks"});
	EXPECT_FALSE(c->options<cli::BlocksOptions>("blocks").range_id);
	c = parse({"blocks", "12", "--json"});
	EXPECT_EQ(c->options<cli::BlocksOptions>("blocks").range_id, 12u);
	EXPECT_TRUE(c->options<cli::BlocksOptions>("blocks").json);
	c = parse({"events", "--since", "40"});
	EXPECT_EQ(c->options<cli::EventsOptions>("events").since, 40u);
	c = parse({"events"});
	EXPECT_FALSE(c->options<cli::EventsOptions>("events").since);
}

TEST_F(CliTest, MalformedArgumentsAreUsageErrors)
{
	expect_usage({});
	expect_usage({"frobnicate"});
	expect_usage({"plug"}, "--start");
	expect_usage({"plug", "--size", "512M"}, "--start is required");
	expect_usage({"plug", "--start", "0x40000000"}, "--size is required");
	expect_usage({"plug", "--start", "010", "--size", "512M"}, "hexadecimal with 0x");
	expect_usage({"plug", "--start", "-1", "--size", "512M"});
	expect_usage({"plug", "--start", "0x", "--size", "512M"}, "no hex digits");
	expect_usage({"plug", "--start", "0x1B", "--size", "1Q"}, "suffix");
	expect_usage({"plug", "--start", "0x40000000", "--size", "-1"});
	expect_usage({"plug", "--start", "0x40000000", "--size", "010"}, "leading zeros");
	expect_usage({"plug", "--start", "0x40000000", "--size", "99999999999999999999"},
		     "too large");
	expect_usage({"plug", "--start", "0x10000000000000000", "--size", "1G"}, "64 bits");
	expect_usage({"plug", "--start", "0x40000000", "--size", "1G", "--node", "-1"});
	expect_usage({"plug", "--start", "0x40000000", "--size", "1G", "--node", "010"},
		     "leading zeros");
	expect_usage({"plug", "--start", "0x40000000", "--size", "1G", "--online", "yes"},
		     "none, online, kernel or movable");
	expect_usage({"plug", "--start", "0x40000000", "--size", "1G", "--zone", "normal"});
	expect_usage({"plug", "--start", "0x40000000", "--size", "1G", "--online", "kernel",
		      "--zone", "movable"},
		     "contradicts");
	expect_usage({"plug", "--start", "0x40000000", "--size", "1G", "--exclude", "0x1"},
		     "START-END");
	expect_usage(
		{"plug", "--start", "0x40000000", "--size", "1G", "--exclude", "0x40200000:2M"},
		"START-END");
	expect_usage({"plug", "--start", "0x40000000", "--size", "1G", "--exclude",
		      "0x40200000-0x40200000"},
		     "last byte");
	expect_usage({"plug", "--start", "0x40000000", "--start", "0x50000000", "--size", "1G"});
	expect_usage({"plug", "--start", "0x40000000", "--size", "1G", "--bogus"});
	expect_usage({"unplug"}, "ID");
	expect_usage({"unplug", "abc"}, "invalid range id");
	expect_usage({"unplug", "-1"});
	expect_usage({"unplug", "1", "--timeout", "0"}, "positive");
	expect_usage({"unplug", "1", "--timeout", "-5"});
	expect_usage({"unplug", "1", "2"});
	expect_usage({"blocks", "x1"});
	expect_usage({"list", "extra"});
	expect_usage({"events", "--since", "-1"});
}

TEST_F(CliTest, HelpAndVersion)
{
	EXPECT_EQ(run({"--help"}), 0);
	EXPECT_NE(out.str().find("Exit status:"), std::string::npos);
	EXPECT_NE(out.str().find("3  the memplug module is not loaded"), std::string::npos);
	EXPECT_NE(out.str().find("plug"), std::string::npos);
	EXPECT_NE(out.str().find("130  plug or unplug cancelled by SIGINT"), std::string::npos)
		<< out.str();
	EXPECT_EQ(run({"plug", "--help"}), 0);
	EXPECT_NE(out.str().find("--start"), std::string::npos);
	EXPECT_NE(out.str().find("--timeout"), std::string::npos);
	EXPECT_EQ(run({"cancel", "--help"}), 0);
	EXPECT_NE(out.str().find("cancel does not wait for the kernel to stop"), std::string::npos)
		<< out.str();
	EXPECT_EQ(run({"--version"}), 0);
	EXPECT_EQ(out.str().rfind("memplugctl ", 0), 0u) << out.str();
	EXPECT_EQ(connects, 0);
}

TEST_F(CliTest, HelpNamesTheCapabilities)
{
	EXPECT_EQ(run({"--help"}), 0);
	const std::string help = out.str();
	EXPECT_NE(help.find("every command but status and tiers needs\n     CAP_SYS_ADMIN"),
		  std::string::npos)
		<< help;
	EXPECT_NE(help.find("CAP_SYS_RAWIO"), std::string::npos) << help;
	EXPECT_NE(help.find("locked"), std::string::npos) << help;
	EXPECT_NE(help.find("cancel"), std::string::npos) << help;
	EXPECT_EQ(help.find("CAP_NET_ADMIN"), std::string::npos) << help;
	for (const char *sub : {"plug", "monitor", "cancel", "candidates"}) {
		EXPECT_EQ(run({sub, "--help"}), 0) << sub;
		EXPECT_EQ(out.str().find("CAP_NET_ADMIN"), std::string::npos) << out.str();
	}
	EXPECT_EQ(run({"plug", "--help"}), 0);
	EXPECT_NE(out.str().find("CAP_SYS_RAWIO"), std::string::npos) << out.str();
	EXPECT_EQ(run({"monitor", "--help"}), 0);
	EXPECT_NE(out.str().find("Needs CAP_SYS_ADMIN."), std::string::npos) << out.str();
}

TEST_F(CliTest, MissingModuleExitsThree)
{
	connect_error =
		Error(ErrorKind::NoFamily, "family memplug not found (is memplug.ko loaded?)");
	EXPECT_EQ(run({"status"}), 3);
	EXPECT_EQ(err.str(), "memplugctl: family memplug not found (is memplug.ko loaded?)\n");
	EXPECT_EQ(out.str(), "");
	EXPECT_EQ(run({"list", "--json"}), 3);
}

TEST_F(CliTest, KernelErrorsMapToExitCodes)
{
	fake.del_error = Error::kernel("removing range 1", EPERM, "");
	fake.preload(0x40000000, 0x8000000, "online_movable");
	EXPECT_EQ(run({"unplug", "1"}), 4);
	EXPECT_EQ(
		err.str().rfind("memplugctl: removing range 1: Operation not permitted (EPERM)", 0),
		0u)
		<< err.str();

	fake.del_error = Error::kernel("removing range 1", EBUSY, "range is protected");
	EXPECT_EQ(run({"unplug", "1"}), 5);
	EXPECT_NE(err.str().find("range is protected (EBUSY)"), std::string::npos);

	fake.del_error.reset();
	EXPECT_EQ(run({"unplug", "9"}), 1);
	EXPECT_EQ(err.str(), "memplugctl: removing range 9: no such range (ENOENT)\n");
}

TEST_F(CliTest, StatusJson)
{
	EXPECT_EQ(run({"status", "--json"}), 0) << err.str();
	const Json doc = Json::parse(out.str());
	EXPECT_EQ(doc["version"], MEMPLUG_VERSION);
	EXPECT_EQ(doc["protocol"], MEMPLUG_FAMILY_VERSION);
	EXPECT_EQ(doc["controller_version"], MEMPLUG_VERSION);
	EXPECT_EQ(doc["controller_protocol"], MEMPLUG_FAMILY_VERSION);
	EXPECT_EQ(doc["version_warning"], nullptr);
	EXPECT_EQ(err.str(), "");
	EXPECT_EQ(doc["block_size"], FakeBackend::kBlockSize);
	EXPECT_TRUE(doc.contains("pluggable_start"));
	EXPECT_TRUE(doc["pluggable_start"].is_null());

	EXPECT_EQ(run({"status"}), 0);
	EXPECT_NE(out.str().find("block size:"), std::string::npos);
}

// The module's and the controller's versions side by side; a different
// protocol or MAJOR.MINOR warns on stderr, a different patch level does not.
TEST_F(CliTest, StatusComparesVersions)
{
	const std::string ours = MEMPLUG_VERSION;
	const std::string protocol = std::to_string(MEMPLUG_FAMILY_VERSION);
	EXPECT_EQ(run({"status"}), 0) << err.str();
	EXPECT_NE(out.str().find("version:          " + ours + ", protocol " + protocol +
				 "\n"
				 "memplugctl:       " +
				 ours + ", protocol " + protocol + "\n"),
		  std::string::npos)
		<< out.str();
	EXPECT_EQ(err.str(), "");

	// Another patch level: shown, no warning.
	const auto dot = ours.rfind('.');
	ASSERT_NE(dot, std::string::npos);
	const std::string patched = ours.substr(0, dot + 1) + "99";
	fake.status.version = patched;
	EXPECT_EQ(run({"status"}), 0) << err.str();
	EXPECT_NE(out.str().find("version:          " + patched + ", protocol " + protocol + "\n"),
		  std::string::npos)
		<< out.str();
	EXPECT_EQ(err.str(), "");
	EXPECT_EQ(run({"status", "--json"}), 0);
	Json doc = Json::parse(out.str());
	EXPECT_EQ(doc["version"], patched);
	EXPECT_EQ(doc["controller_version"], ours);
	EXPECT_EQ(doc["version_warning"], nullptr);
	EXPECT_EQ(err.str(), "");

	// Another minor version: a warning, and the text says so.
	fake.status.version = "999.0.0";
	EXPECT_EQ(run({"status"}), 0) << err.str();
	EXPECT_EQ(err.str(), "memplugctl: WARNING: memplug.ko is version 999.0.0 and memplugctl " +
				     ours +
				     ": their major or minor versions differ; install the module "
				     "and the controller from the same release\n");
	EXPECT_NE(out.str().find("memplugctl:       " + ours + ", protocol " + protocol +
				 " (does not match the module: see the warning)\n"),
		  std::string::npos)
		<< out.str();
	EXPECT_EQ(run({"status", "--json"}), 0);
	doc = Json::parse(out.str());
	EXPECT_EQ(doc["version"], "999.0.0");
	EXPECT_NE(doc["version_warning"].get<std::string>().find("999.0.0"), std::string::npos);
	EXPECT_NE(err.str().find("WARNING"), std::string::npos);

	// Another protocol: a warning, whatever the versions.
	fake.status.version = ours;
	fake.status.protocol = MEMPLUG_FAMILY_VERSION + 1;
	EXPECT_EQ(run({"status", "--json"}), 0);
	doc = Json::parse(out.str());
	EXPECT_EQ(doc["protocol"], MEMPLUG_FAMILY_VERSION + 1);
	EXPECT_EQ(doc["controller_protocol"], MEMPLUG_FAMILY_VERSION);
	EXPECT_EQ(err.str().rfind("memplugctl: WARNING: memplug.ko speaks protocol version " +
					  std::to_string(MEMPLUG_FAMILY_VERSION + 1) +
					  ", memplugctl " + protocol,
				  0),
		  0u)
		<< err.str();

	// What is unknown is shown as such and warns of nothing.
	fake.status.protocol.reset();
	fake.status.version.reset();
	EXPECT_EQ(run({"status"}), 0);
	EXPECT_NE(out.str().find("version:          -\n"), std::string::npos) << out.str();
	EXPECT_EQ(err.str(), "");
}

// -v before the command: every step on stderr, one line each, the result
// on stdout as without it.
TEST_F(CliTest, VerboseTellsEachStep)
{
	for (int b = 8; b < 12; b++)
		memplug::test::write_file(
			dir.path() / ("memory" + std::to_string(b)) / "valid_zones", "Movable\n");
	EXPECT_EQ(run({"-v", "plug", "--start", "0x40000000", "--size", "0.5GiB"}), 0) << err.str();
	EXPECT_EQ(out.str().rfind("plugged range 1: 0x40000000-0x5fffffff (512M)", 0), 0u)
		<< out.str();
	const std::string plugged = err.str();
	EXPECT_EQ(plugged, "memplugctl: step: add requested: 0x40000000+512M\n"
			   "memplugctl: step: add replied: range 1 plugging on node 0\n"
			   "memplugctl: step: added: range 1, 4 blocks\n"
			   "memplugctl: step: onlined memory block 8 (1/4), zone Movable\n"
			   "memplugctl: step: onlined memory block 10 (2/4), zone Movable\n"
			   "memplugctl: step: onlined memory block 11 (3/4), zone Movable\n"
			   "memplugctl: step: onlined memory block 9 (4/4), zone Movable\n"
			   "memplugctl: step: verified: range 1, 4 blocks online in zone Movable\n"
			   "memplugctl: step: committed: range 1\n");

	EXPECT_EQ(run({"--verbose", "offline", "1"}), 0) << err.str();
	EXPECT_EQ(out.str(), "offlined range 1: 0x40000000-0x5fffffff (512M), 0/4 blocks online\n");
	EXPECT_EQ(err.str(), "memplugctl: step: offlined memory block 8\n"
			     "memplugctl: step: offlined memory block 9\n"
			     "memplugctl: step: offlined memory block 10\n"
			     "memplugctl: step: offlined memory block 11\n"
			     "memplugctl: step: verified: range 1, 4 blocks offline\n");
	EXPECT_EQ(run({"-v", "online", "1"}), 0) << err.str();
	EXPECT_NE(err.str().find("memplugctl: step: onlined memory block 9, zone Movable\n"),
		  std::string::npos)
		<< err.str();
	EXPECT_NE(err.str().find("memplugctl: step: verified: range 1, 4 blocks online\n"),
		  std::string::npos)
		<< err.str();

	EXPECT_EQ(run({"-v", "unplug", "1"}), 0) << err.str();
	EXPECT_EQ(out.str(), "unplugged range 1: 0x40000000-0x5fffffff (512M)\n");
	EXPECT_EQ(err.str(), "memplugctl: step: remove requested: range 1\n"
			     "memplugctl: step: remove replied: range 1 unplugging\n"
			     "memplugctl: step: offlined memory block 8 (1/4)\n"
			     "memplugctl: step: offlined memory block 9 (2/4)\n"
			     "memplugctl: step: offlined memory block 10 (3/4)\n"
			     "memplugctl: step: offlined memory block 11 (4/4)\n"
			     "memplugctl: step: removed: range 1\n");

	// Without it, nothing on stderr; after the command it is no option.
	EXPECT_EQ(run({"plug", "--start", "0x40000000", "--size", "512M"}), 0) << err.str();
	EXPECT_EQ(err.str(), "");
	connects = 0;
	EXPECT_EQ(run({"unplug", "2", "-v"}), 2);
	EXPECT_EQ(connects, 0);
}

TEST_F(CliTest, StatusNodesAndTheirTiers)
{
	const auto tiering = dir.path() / "host/sys/devices/virtual/memory_tiering";
	memplug::test::write_file(tiering / "memory_tier4/nodelist", "0\n");
	memplug::test::write_file(tiering / "memory_tier22/nodelist", "1\n");
	memplug::test::write_file(dir.path() / "host/sys/devices/system/node/has_memory", "0-1\n");
	fake.status.memtypes = {{1, 2880, 2}};

	EXPECT_EQ(run({"status", "--json"}), 0) << err.str();
	Json doc = Json::parse(out.str());
	ASSERT_EQ(doc["nodes"].size(), 2u) << doc["nodes"];
	EXPECT_EQ(doc["nodes"][0]["node"], 0);
	EXPECT_EQ(doc["nodes"][0]["kernel_bytes"], std::uint64_t{4} << 30);
	EXPECT_EQ(doc["nodes"][0]["tier"], 4);
	EXPECT_EQ(doc["nodes"][0]["adistance"], nullptr);
	EXPECT_EQ(doc["nodes"][0]["memplug_ranges"], 0);
	EXPECT_EQ(doc["nodes"][1],
		  Json::parse(R"({"node":1,"kernel_bytes":null,"movable_bytes":null,
			"movable_ratio":null,"tier":22,"adistance":2880,"memplug_ranges":2})"));

	EXPECT_EQ(run({"status"}), 0) << err.str();
	EXPECT_NE(out.str().find("\nnode 0 tier:      memory tier 4 (dram), no memory type from "
				 "memplug\nnode 1 tier:      memory tier 22, adistance 2880 from "
				 "memplug (2 ranges)\n"),
		  std::string::npos)
		<< out.str();

	// A kernel without memory tiers, nothing typed: the nodes with memory,
	// tier unknown.
	std::filesystem::remove_all(tiering);
	fake.status.memtypes.clear();
	EXPECT_EQ(run({"status", "--json"}), 0) << err.str();
	doc = Json::parse(out.str());
	ASSERT_EQ(doc["nodes"].size(), 2u);
	EXPECT_EQ(doc["nodes"][1]["tier"], nullptr);
	EXPECT_EQ(doc["nodes"][1]["adistance"], nullptr);
	EXPECT_EQ(doc["nodes"][1]["memplug_ranges"], 0);
	EXPECT_EQ(run({"status"}), 0) << err.str();
	EXPECT_NE(out.str().find("\nnode 1 tier:      memory tier unknown, no memory type from "
				 "memplug\n"),
		  std::string::npos)
		<< out.str();

	// Nothing to go by at all: still a list, empty.
	std::filesystem::remove(dir.path() / "host/sys/devices/system/node/has_memory");
	std::filesystem::remove(dir.path() / "host/proc/zoneinfo");
	EXPECT_EQ(run({"status", "--json"}), 0) << err.str();
	doc = Json::parse(out.str());
	EXPECT_EQ(doc["nodes"], Json::array());
	EXPECT_EQ(err.str(), "");
}

TEST_F(CliTest, Tiers)
{
	const auto tiering = dir.path() / "host/sys/devices/virtual/memory_tiering";
	memplug::test::write_file(tiering / "memory_tier22/nodelist", "1-2\n");
	memplug::test::write_file(tiering / "memory_tier4/nodelist", "0\n");
	fake.status.memtypes = {{2, 2880, 1}};

	EXPECT_EQ(run({"tiers"}), 0) << err.str();
	EXPECT_EQ(out.str(), "TIER      ADISTANCE  NODES  MEMPLUG\n"
			     "4 (dram)  512-639    0      -\n"
			     "22        2816-2943  1-2    node 2 adistance 2880\n");
	EXPECT_EQ(err.str(), "");
	EXPECT_EQ(fake.calls, std::vector<std::string>{"status_get"}) << "nothing but STATUS_GET";

	EXPECT_EQ(run({"tiers", "--json"}), 0) << err.str();
	EXPECT_EQ(Json::parse(out.str()), Json::parse(R"({"tiers":[
		{"tier":4,"adistance_min":512,"adistance_max":639,"nodes":[0],"memplug":[]},
		{"tier":22,"adistance_min":2816,"adistance_max":2943,"nodes":[1,2],
		 "memplug":[{"node":2,"adistance":2880}]}],"warnings":[],"format":1})"));

	// Without the module: the kernel's tiers all the same.
	connect_error =
		Error(ErrorKind::NoFamily, "family memplug not found (is memplug.ko loaded?)");
	EXPECT_EQ(run({"tiers"}), 0) << err.str();
	EXPECT_EQ(out.str(), "TIER      ADISTANCE  NODES  MEMPLUG\n"
			     "4 (dram)  512-639    0      -\n"
			     "22        2816-2943  1-2    -\n"
			     "(memplug is not loaded: no memory types of its own)\n");
	EXPECT_EQ(run({"tiers", "--json"}), 0) << err.str();
	Json doc = Json::parse(out.str());
	ASSERT_EQ(doc["tiers"].size(), 2u);
	EXPECT_EQ(doc["tiers"][1]["memplug"], Json::array());
	EXPECT_EQ(err.str(), "");

	// Any other failure to ask is one.
	connect_error = Error::system("opening a generic netlink socket", EMFILE);
	EXPECT_EQ(run({"tiers"}), 1);
	EXPECT_EQ(out.str(), "");
	connect_error.reset();
	fake.status_error = Error::kernel("reading the memplug status", EIO, "");
	EXPECT_EQ(run({"tiers", "--json"}), 1);
	// With --json the failure is a document too.
	EXPECT_EQ(Json::parse(out.str())["error"]["errno"], "EIO");
	fake.status_error.reset();

	// A kernel without memory tiers.
	std::filesystem::remove_all(tiering);
	EXPECT_EQ(run({"tiers", "--json"}), 0) << err.str();
	EXPECT_EQ(out.str(), "{\"tiers\":[],\"warnings\":[],\"format\":1}\n");
	EXPECT_EQ(run({"tiers"}), 0) << err.str();
	EXPECT_EQ(out.str(), "TIER  ADISTANCE  NODES  MEMPLUG\n"
			     "(the kernel shows no memory tiers)\n");

	// A nodelist the kernel would not write.
	memplug::test::write_file(tiering / "memory_tier4/nodelist", "0-\n");
	EXPECT_EQ(run({"tiers"}), 1);
	EXPECT_NE(err.str().find("memory_tier4/nodelist: unexpected content \"0-\" (EPROTO)"),
		  std::string::npos)
		<< err.str();
	EXPECT_EQ(out.str(), "");

	connects = 0;
	expect_usage({"tiers", "extra"});
	expect_usage({"tiers", "--bogus"});
	EXPECT_EQ(run({"tiers", "--help"}), 0);
	EXPECT_NE(out.str().find("/sys/devices/virtual/memory_tiering"), std::string::npos)
		<< out.str();
	EXPECT_EQ(run({"--help"}), 0);
	EXPECT_NE(out.str().find("tiers"), std::string::npos) << out.str();
}

TEST_F(CliTest, StatusOnlineCallback)
{
	fake.status.online_cb = MEMPLUG_ONLINE_CB_MEMPLUG;
	fake.status.online_cb_ranges = 2;
	EXPECT_EQ(run({"status"}), 0) << err.str();
	EXPECT_NE(out.str().find("\nonline callback:  memplug (held for 2 ranges)\n"),
		  std::string::npos)
		<< out.str();
	EXPECT_EQ(run({"status", "--json"}), 0);
	Json doc = Json::parse(out.str());
	EXPECT_EQ(doc["online_callback"], "memplug");
	EXPECT_EQ(doc["online_callback_ranges"], 2);
	EXPECT_EQ(doc["online_callback_reason"], nullptr);

	fake.status.online_cb = MEMPLUG_ONLINE_CB_IDLE;
	fake.status.online_cb_ranges = 0;
	EXPECT_EQ(run({"status"}), 0);
	EXPECT_NE(out.str().find("\nonline callback:  idle (taken when a range needs --verify or "
				 "--exclude)\n"),
		  std::string::npos)
		<< out.str();

	fake.status.online_cb = MEMPLUG_ONLINE_CB_UNAVAILABLE;
	fake.status.online_cb_reason = "held by another driver";
	EXPECT_EQ(run({"status"}), 0);
	EXPECT_NE(out.str().find("\nonline callback:  unavailable (held by another driver)\n"),
		  std::string::npos)
		<< out.str();
	EXPECT_EQ(run({"status", "--json"}), 0);
	doc = Json::parse(out.str());
	EXPECT_EQ(doc["online_callback"], "unavailable");
	EXPECT_EQ(doc["online_callback_reason"], "held by another driver");
	EXPECT_EQ(doc["online_callback_ranges"], 0);

	fake.status.online_cb_ranges.reset();
	EXPECT_EQ(run({"status", "--json"}), 0);
	doc = Json::parse(out.str());
	ASSERT_TRUE(doc.contains("online_callback_ranges"));
	EXPECT_EQ(doc["online_callback_ranges"], nullptr);
}

TEST_F(CliTest, ListShowsAFailedRange)
{
	Range &failed = fake.preload(0x40000000, 0x20000000, "offline");
	failed.state = MEMPLUG_RANGE_STATE_FAILED;
	failed.blocks_present = 2;
	failed.rollback_attempts = 8;
	fake.hidden_blocks = {8, 9};
	Range &plugged = fake.preload(0x80000000, 0x10000000, "online_movable");
	plugged.blocks_present = 2;
	plugged.rollback_attempts = 0;

	EXPECT_EQ(run({"list"}), 0) << err.str();
	EXPECT_EQ(out.str(),
		  "ID  START       END         SIZE  NODE  STATE   BLOCKS           POLICY   "
		  "PROTECT  TIER  MEMTIER  ADISTANCE  NAME\n"
		  "1   0x40000000  0x5fffffff  512M  0     failed  0/4 (2 present)  movable  no    "
		  "   auto  -        -          \n"
		  "2   0x80000000  0x8fffffff  256M  0     online  2/2              movable  no    "
		  "   auto  -        -          \n");

	EXPECT_EQ(run({"list", "--json"}), 0);
	const Json doc = Json::parse(out.str());
	ASSERT_EQ(doc["ranges"].size(), 2u);
	EXPECT_EQ(doc["ranges"][0]["state"], "failed");
	EXPECT_EQ(doc["ranges"][0]["blocks_present"], 2);
	EXPECT_EQ(doc["ranges"][0]["rollback_attempts"], 8);
	EXPECT_EQ(doc["ranges"][1]["blocks_present"], 2);
	EXPECT_EQ(doc["ranges"][1]["rollback_attempts"], 0);

	// A module that does not report them: the keys stay, as null.
	fake.ranges[2].blocks_present.reset();
	fake.ranges[2].rollback_attempts.reset();
	EXPECT_EQ(run({"list", "--json"}), 0);
	const Json again = Json::parse(out.str());
	ASSERT_TRUE(again["ranges"][1].contains("blocks_present"));
	EXPECT_EQ(again["ranges"][1]["blocks_present"], nullptr);
	EXPECT_EQ(again["ranges"][1]["rollback_attempts"], nullptr);
}

TEST_F(CliTest, ListShowsTiers)
{
	const auto tiering = dir.path() / "host/sys/devices/virtual/memory_tiering";
	memplug::test::write_file(tiering / "memory_tier4/nodelist", "0\n");
	memplug::test::write_file(tiering / "memory_tier22/nodelist", "1\n");

	EXPECT_EQ(run({"plug", "--start", "0x40000000", "--size", "512M", "--node", "1", "--online",
		       "kernel", "--tier", "slow"}),
		  0)
		<< err.str();
	EXPECT_EQ(out.str(), "plugged range 1: 0x40000000-0x5fffffff (512M) node 1, 4/4 blocks "
			     "online, zone policy kernel, tier slow (adistance 2880, memory tier "
			     "22)\n");
	EXPECT_EQ(run({"plug", "--start", "0x80000000", "--size", "256M", "--online", "kernel"}), 0)
		<< err.str();

	EXPECT_EQ(run({"list"}), 0) << err.str();
	EXPECT_EQ(out.str(), "ID  START       END         SIZE  NODE  STATE   BLOCKS  POLICY  "
			     "PROTECT  TIER  MEMTIER  ADISTANCE  NAME\n"
			     "1   0x40000000  0x5fffffff  512M  1     online  4/4     kernel  no  "
			     "     slow  22       2880       \n"
			     "2   0x80000000  0x8fffffff  256M  0     online  2/2     kernel  no  "
			     "     auto  4        -          \n");

	EXPECT_EQ(run({"list", "--json"}), 0) << err.str();
	Json doc = Json::parse(out.str());
	ASSERT_EQ(doc["ranges"].size(), 2u);
	EXPECT_EQ(doc["ranges"][0]["tier"], "slow");
	EXPECT_EQ(doc["ranges"][0]["node_tier"], 22);
	EXPECT_EQ(doc["ranges"][0]["adistance"], 2880);
	EXPECT_EQ(doc["ranges"][1]["tier"], "auto");
	EXPECT_EQ(doc["ranges"][1]["node_tier"], 4);
	ASSERT_TRUE(doc["ranges"][1].contains("adistance"));
	EXPECT_EQ(doc["ranges"][1]["adistance"], nullptr);

	// A kernel without memory tiers: unknown, and nothing fails.
	std::filesystem::remove_all(tiering);
	EXPECT_EQ(run({"list", "--json"}), 0) << err.str();
	doc = Json::parse(out.str());
	EXPECT_EQ(doc["ranges"][0]["node_tier"], nullptr);
	EXPECT_EQ(doc["ranges"][0]["adistance"], 2880);
	EXPECT_EQ(err.str(), "");
}

TEST_F(CliTest, Cancel)
{
	auto c = parse({"cancel", "3", "--json"});
	EXPECT_EQ(c->options<cli::CancelOptions>("cancel").id, 3u);
	EXPECT_TRUE(c->options<cli::CancelOptions>("cancel").json);
	c = parse({"cancel", "4"});
	EXPECT_FALSE(c->options<cli::CancelOptions>("cancel").json);

	// A plug cut short: the kernel is rolling it back.
	Range &rolling = fake.preload(0x40000000, 0x20000000, "online_movable");
	rolling.state = MEMPLUG_RANGE_STATE_UNPLUGGING;
	rolling.blocks_present = 4;
	rolling.rollback_attempts = 1;
	EXPECT_EQ(run({"cancel", "1"}), 0) << err.str();
	EXPECT_EQ(out.str(),
		  "ID  START       END         SIZE  NODE  STATE   BLOCKS  POLICY   "
		  "PROTECT  TIER  MEMTIER  ADISTANCE  NAME\n"
		  "1   0x40000000  0x5fffffff  512M  0     online  4/4     movable  no       "
		  "auto  -        -          \n");
	EXPECT_EQ(err.str(), "");
	EXPECT_EQ(fake.ranges[1].state, MEMPLUG_RANGE_STATE_PLUGGED);

	// A failed range that is still whole, as JSON: the range object.
	fake.ranges[1].state = MEMPLUG_RANGE_STATE_FAILED;
	EXPECT_EQ(run({"cancel", "1", "--json"}), 0) << err.str();
	const Json r = Json::parse(out.str());
	EXPECT_EQ(r["id"], 1);
	EXPECT_EQ(r["state"], "online");
	EXPECT_EQ(r["blocks_present"], 4);
	EXPECT_EQ(r["rollback_attempts"], 1);
	EXPECT_FALSE(r.contains("ranges"));

	// Nothing to cancel: the kernel's reason and where the range stands.
	EXPECT_EQ(run({"cancel", "1"}), 1);
	EXPECT_EQ(out.str(), "");
	EXPECT_EQ(err.str(), "memplugctl: cancelling the operation on range 1: range has no "
			     "rollback to cancel (a failed range with blocks removed is "
			     "unplugged, not cancelled) (EINVAL); range 1 is online\n");

	EXPECT_EQ(run({"cancel", "9"}), 1);
	EXPECT_EQ(err.str(),
		  "memplugctl: cancelling the operation on range 9: no such range (ENOENT)\n");

	fake.cancel_error = Error::kernel("cancelling the operation on range 1", EBUSY,
					  "memplug: an unplug of this range is in progress; it has "
					  "no rollback to cancel");
	EXPECT_EQ(run({"cancel", "1"}), 5);
	fake.cancel_error = Error::kernel("cancelling the operation on range 1", EPERM,
					  "memplug: needs CAP_SYS_ADMIN");
	EXPECT_EQ(run({"cancel", "1"}), 4);
	EXPECT_EQ(err.str(), "memplugctl: cancelling the operation on range 1: memplug: needs "
			     "CAP_SYS_ADMIN (EPERM)\n");

	connect_error =
		Error(ErrorKind::NoFamily, "family memplug not found (is memplug.ko loaded?)");
	EXPECT_EQ(run({"cancel", "1"}), 3);

	connects = 0;
	expect_usage({"cancel"}, "ID");
	expect_usage({"cancel", "x"}, "range id");
	expect_usage({"cancel", "-1"});
	expect_usage({"cancel", "1", "2"});
	expect_usage({"cancel", "1", "--force"});
}

TEST_F(CliTest, ForceRefusedWithoutPrivilege)
{
	fake.add_error = Error::kernel("adding the range", EPERM,
				       "memplug: force needs CAP_SYS_RAWIO, as /dev/mem does");
	EXPECT_EQ(run({"plug", "--start", "0x80000000", "--size", "512M", "--force"}), 4);
	EXPECT_EQ(err.str(), "memplugctl: plugging 0x80000000+512M: adding the range: memplug: "
			     "force needs CAP_SYS_RAWIO, as /dev/mem does (EPERM)\n");
	fake.add_error = Error::kernel("adding the range", EPERM,
				       "memplug: force is refused while the kernel is locked "
				       "down, as /dev/mem is");
	EXPECT_EQ(run({"plug", "--start", "0x80000000", "--size", "512M", "--force"}), 4);
	EXPECT_TRUE(fake.ranges.empty());
}

TEST_F(CliTest, PlugPrintsTheRangeAsAListEntry)
{
	EXPECT_EQ(run({"plug", "--start", "0x40000000", "--size", "512M", "--name", "cxl0",
		       "--json"}),
		  0)
		<< err.str();
	const Json plugged = Json::parse(out.str());
	EXPECT_EQ(plugged["id"], 1);
	EXPECT_EQ(plugged["start"], "0x40000000");
	EXPECT_EQ(plugged["size"], 536870912);
	EXPECT_EQ(plugged["state"], "online");
	EXPECT_EQ(plugged["online_blocks"], 4);
	EXPECT_EQ(plugged["total_blocks"], 4);
	EXPECT_EQ(plugged["name"], "cxl0");

	EXPECT_EQ(run({"list", "--json"}), 0);
	const Json list = Json::parse(out.str());
	ASSERT_EQ(list["ranges"].size(), 1u);
	// The same range, without the document's "warnings" and "format".
	Json entry = plugged;
	entry.erase("warnings");
	entry.erase("format");
	EXPECT_EQ(list["ranges"][0], entry);

	EXPECT_EQ(run({"blocks", "1", "--json"}), 0);
	const Json blocks = Json::parse(out.str());
	ASSERT_EQ(blocks["blocks"].size(), 4u);
	EXPECT_EQ(blocks["blocks"][0]["block"], 8);
	EXPECT_EQ(blocks["blocks"][0]["zone"], "Movable");

	EXPECT_EQ(run({"list"}), 0);
	EXPECT_NE(out.str().find("cxl0"), std::string::npos);

	EXPECT_EQ(run({"unplug", "1", "--json"}), 0) << err.str();
	EXPECT_EQ(Json::parse(out.str())["id"], 1);
	EXPECT_EQ(run({"list", "--json"}), 0);
	EXPECT_EQ(out.str(), "{\"ranges\":[],\"warnings\":[],\"format\":1}\n");
}

// The signal arrives while the command waits for the kernel, as when the
// user presses ^C: the next receive() is where it lands.
TEST_F(CliTest, ASignalCancelsPlugAndUnplug)
{
	fake.stall_worker = true;
	const auto raise_on_receive = [this](int signal) {
		fake.script.push_back({Received{}, [signal] {
					       kill(getpid(), signal);
				       }});
	};
	raise_on_receive(SIGINT);
	EXPECT_EQ(run({"plug", "--start", "0x40000000", "--size", "512M"}), 130);
	EXPECT_EQ(out.str(), "");
	EXPECT_EQ(err.str(), "memplugctl: plugging 0x40000000+512M: cancelled by SIGINT; rolled "
			     "back, nothing left plugged\n");
	EXPECT_TRUE(fake.ranges.empty());

	fake.preload(0x80000000, 0x20000000, "online_movable");
	raise_on_receive(SIGTERM);
	EXPECT_EQ(run({"unplug", "2", "--json"}), 143);
	EXPECT_EQ(err.str(), "memplugctl: unplugging range 2: cancelled by SIGTERM; range 2 "
			     "remains plugged and online, 4/4 blocks online, every block as it "
			     "was before\n");
	// With --json also the error document, with the same message.
	const Json doc = Json::parse(out.str());
	EXPECT_EQ(doc["error"]["kind"], "cancelled");
	EXPECT_EQ(doc["error"]["signal"], "SIGTERM");
	EXPECT_EQ(doc["error"]["exit_code"], 143);
	EXPECT_EQ("memplugctl: " + doc["error"]["message"].get<std::string>() + "\n", err.str());
	EXPECT_EQ(fake.ranges.at(2).state, MEMPLUG_RANGE_STATE_PLUGGED);

	// Gone with the command: the next one is not cancelled.
	fake.stall_worker = false;
	EXPECT_EQ(run({"unplug", "2"}), 0) << err.str();
	EXPECT_EQ(out.str(), "unplugged range 2: 0x80000000-0x9fffffff (512M)\n");
}

TEST_F(CliTest, TimeoutsOfPlugAndUnplug)
{
	auto c = parse({"plug", "--start", "0x40000000", "--size", "512M", "--timeout", "1.5"});
	EXPECT_EQ(c->options<cli::PlugOptions>("plug").request.timeout, 1500ms);
	c = parse({"plug", "--start", "0x40000000", "--size", "512M"});
	EXPECT_FALSE(c->options<cli::PlugOptions>("plug").request.timeout);
	expect_usage({"plug", "--start", "0x40000000", "--size", "512M", "--timeout", "0"},
		     "positive");

	fake.stall_worker = true;
	EXPECT_EQ(run({"plug", "--start", "0x40000000", "--size", "512M", "--timeout", "0.2"}), 5);
	EXPECT_EQ(err.str(), "memplugctl: plugging 0x40000000+512M: timed out after 0.2s; rolled "
			     "back, nothing left plugged\n");
	EXPECT_TRUE(fake.ranges.empty());

	fake.preload(0x80000000, 0x20000000, "online_movable");
	EXPECT_EQ(run({"unplug", "2", "--timeout", "0.2"}), 5);
	EXPECT_EQ(err.str(), "memplugctl: unplugging range 2: timed out after 0.2s (ECANCELED); "
			     "range 2 remains plugged and online, 4/4 blocks online, every block "
			     "as it was before\n");
}

TEST_F(CliTest, AFailedUnplugSaysWhyInTheModulesWords)
{
	Range &r = fake.preload(0x40000000, 0x20000000, "online_movable");
	r.fail_block = 10;
	fake.del_failures.push_back(Error::kernel(
		"", EBUSY,
		"memplug: a memory block could not be offlined (pages in use or unmovable); the "
		"range stays plugged"));
	EXPECT_EQ(run({"unplug", "1"}), 5);
	EXPECT_EQ(err.str(), "memplugctl: removing range 1: memplug: a memory block could not be "
			     "offlined (pages in use or unmovable); the range stays plugged "
			     "(EBUSY); memory block 10 could not be offlined (EBUSY); range 1 "
			     "remains plugged and online, 4/4 blocks online, every block as it was "
			     "before\n");

	EXPECT_EQ(run({"list"}), 0);
	EXPECT_NE(out.str().find("\nrange 1: last failure: memplug: a memory block could not be "
				 "offlined (pages in use or unmovable); the range stays plugged "
				 "(EBUSY), memory block 10\n"),
		  std::string::npos)
		<< out.str();
}

TEST_F(CliTest, FailedPlugExitsOneAndSaysWhy)
{
	fake.zone_override[9] = "Normal";
	EXPECT_EQ(run({"plug", "--start", "0x40000000", "--size", "512M"}), 1);
	EXPECT_EQ(out.str(), "");
	EXPECT_EQ(err.str(),
		  "memplugctl: plugging 0x40000000+512M: verifying memory block 9: after onlining "
		  "it is online in zone Normal, not Movable; rolled back, nothing left plugged\n");
	EXPECT_TRUE(fake.ranges.empty());
}

TEST_F(CliTest, ExcludesReachTheKernelAsStartAndSize)
{
	EXPECT_EQ(run({"plug", "--start", "0x40000000", "--size", "512M", "--exclude",
		       "0x40200000-0x403fffff", "--exclude", "0x50000000-0x50000fff"}),
		  0)
		<< err.str();
	ASSERT_TRUE(fake.last_add);
	const std::vector<Exclude> expected = {{0x40200000, 0x200000}, {0x50000000, 0x1000}};
	EXPECT_EQ(fake.last_add->excludes, expected);
}

TEST_F(CliTest, ForceReachesTheKernelOnlyWhenAsked)
{
	EXPECT_EQ(run({"plug", "--start", "0x40000000", "--size", "512M"}), 0) << err.str();
	ASSERT_TRUE(fake.last_add);
	EXPECT_FALSE(fake.last_add->force);
	EXPECT_EQ(run({"plug", "--start", "0x80000000", "--size", "512M", "--force"}), 0)
		<< err.str();
	ASSERT_TRUE(fake.last_add);
	EXPECT_TRUE(fake.last_add->force);
}

TEST_F(CliTest, MemmapOnMemoryOffIsRefusedBeforeSending)
{
	memplug::test::write_file(dir.path() / "host/sys/module/memory_hotplug/parameters/"
					       "memmap_on_memory",
				  "N\n");
	EXPECT_EQ(run({"plug", "--start", "0x40000000", "--size", "128M", "--memmap-on-memory"}),
		  1);
	EXPECT_NE(err.str().find("memory_hotplug.memmap_on_memory=1"), std::string::npos)
		<< err.str();
	EXPECT_TRUE(fake.calls.empty());
	EXPECT_TRUE(fake.ranges.empty());
}

TEST_F(CliTest, MovableRatioWarningAndStrictRefusal)
{
	memplug::test::write_file(dir.path() / "host/proc/zoneinfo",
				  memplug::test::zoneinfo_fixture(12 * 262144));
	EXPECT_EQ(run({"plug", "--start", "0x40000000", "--size", "512M"}), 0) << err.str();
	EXPECT_EQ(err.str().rfind("memplugctl: WARNING: onlining 512M into ZONE_MOVABLE on node 0",
				  0),
		  0u)
		<< err.str();
	EXPECT_NE(out.str().find("plugged range 1"), std::string::npos);
	EXPECT_EQ(out.str().find("WARNING"), std::string::npos) << out.str();

	EXPECT_EQ(run({"plug", "--start", "0x80000000", "--size", "512M", "--node", "0",
		       "--strict-ratio"}),
		  1);
	EXPECT_EQ(err.str().rfind(
			  "memplugctl: plugging 0x80000000+512M: --strict-ratio: refusing: ", 0),
		  0u)
		<< err.str();
	EXPECT_EQ(fake.ranges.size(), 1u);

	// With --json the warning is in the document as well as on stderr,
	// and the refusal is an error document.
	EXPECT_EQ(run({"plug", "--start", "0x80000000", "--size", "512M", "--node", "0", "--json"}),
		  0)
		<< err.str();
	const std::string warned = err.str();
	EXPECT_EQ(warned.rfind("memplugctl: WARNING: onlining 512M", 0), 0u) << warned;
	Json plugged = Json::parse(out.str());
	EXPECT_EQ(plugged["id"], 2);
	ASSERT_EQ(plugged["warnings"].size(), 1u) << plugged.dump();
	EXPECT_EQ("memplugctl: WARNING: " + plugged["warnings"][0].get<std::string>() + "\n",
		  warned);
	EXPECT_EQ(plugged["format"], 1);
	EXPECT_EQ(run({"plug", "--start", "0xc0000000", "--size", "512M", "--node", "0",
		       "--strict-ratio", "--json"}),
		  1);
	const Json refused = Json::parse(out.str());
	EXPECT_EQ(refused["error"]["kind"], "failed");
	EXPECT_EQ(refused["error"]["exit_code"], 1);
	EXPECT_EQ(refused["warnings"], Json::array());
	EXPECT_EQ(refused["format"], 1);
	EXPECT_EQ(fake.ranges.size(), 2u);

	EXPECT_EQ(run({"status", "--json"}), 0);
	const Json doc = Json::parse(out.str());
	ASSERT_EQ(doc["nodes"].size(), 1u);
	EXPECT_EQ(doc["nodes"][0]["movable_bytes"], std::uint64_t{12} << 30);
	EXPECT_EQ(doc["nodes"][0]["movable_ratio"], 3.0);
}

TEST_F(CliTest, ProtectAndUnprotect)
{
	fake.preload(0x40000000, 0x20000000, "online_movable");
	EXPECT_EQ(run({"protect", "1"}), 0) << err.str();
	ASSERT_TRUE(fake.last_set);
	EXPECT_EQ(fake.last_set->id, 1u);
	EXPECT_EQ(fake.last_set->protect, true);
	EXPECT_FALSE(fake.last_set->commit);
	EXPECT_FALSE(fake.last_set->zone_policy);
	EXPECT_TRUE(fake.ranges[1].protect);
	EXPECT_EQ(out.str().rfind("protected range 1: 0x40000000-0x5fffffff (512M); ", 0), 0u)
		<< out.str();

	EXPECT_EQ(run({"list"}), 0);
	EXPECT_NE(out.str().find("POLICY   PROTECT"), std::string::npos) << out.str();
	EXPECT_NE(out.str().find("movable  yes"), std::string::npos) << out.str();
	EXPECT_EQ(run({"list", "--json"}), 0);
	EXPECT_EQ(Json::parse(out.str())["ranges"][0]["protect"], true);
	EXPECT_EQ(Json::parse(out.str())["ranges"][0]["zone_policy"], "movable");

	EXPECT_EQ(run({"unprotect", "1", "--json"}), 0) << err.str();
	EXPECT_EQ(fake.last_set->protect, false);
	EXPECT_EQ(Json::parse(out.str())["protect"], false);
	EXPECT_EQ(run({"list"}), 0);
	EXPECT_NE(out.str().find("movable  no"), std::string::npos) << out.str();

	EXPECT_EQ(run({"protect", "7"}), 1);
	EXPECT_EQ(err.str(), "memplugctl: protecting range 7: changing range: no such range "
			     "(ENOENT)\n");
	connects = 0;
	expect_usage({"protect"}, "ID");
	expect_usage({"unprotect", "x"}, "range id");
	expect_usage({"protect", "1", "2"});
}

TEST_F(CliTest, OnlineAndOffline)
{
	auto c = parse({"online", "3", "--zone", "kernel", "--json"});
	EXPECT_EQ(c->options<cli::OnlineOptions>("online").request.id, 3u);
	EXPECT_EQ(c->options<cli::OnlineOptions>("online").request.zone, ZonePolicy::Kernel);
	EXPECT_TRUE(c->options<cli::OnlineOptions>("online").json);
	c = parse({"online", "3"});
	EXPECT_FALSE(c->options<cli::OnlineOptions>("online").request.zone);
	c = parse({"offline", "4"});
	EXPECT_EQ(c->options<cli::OfflineOptions>("offline").id, 4u);

	fake.preload(0x40000000, 0x20000000, "online_movable");
	EXPECT_EQ(run({"offline", "1"}), 0) << err.str();
	EXPECT_EQ(out.str(), "offlined range 1: 0x40000000-0x5fffffff (512M), 0/4 blocks online\n");
	EXPECT_EQ(run({"online", "1", "--json"}), 0) << err.str();
	const Json r = Json::parse(out.str());
	EXPECT_EQ(r["online_blocks"], 4);
	EXPECT_EQ(r["state"], "online");
	EXPECT_EQ(memplug::test::read_file(dir.path() / "memory8/state"), "online_movable");

	EXPECT_EQ(run({"offline", "2"}), 1);
	EXPECT_EQ(err.str().rfind("memplugctl: offlining range 2: ", 0), 0u) << err.str();

	connects = 0;
	expect_usage({"online"}, "ID");
	expect_usage({"online", "1", "--zone", "any"}, "movable or kernel");
	expect_usage({"online", "1", "--zone", "Movable"}, "movable or kernel");
	expect_usage({"offline", "1", "--zone", "kernel"});
	expect_usage({"offline", "-1"});
}

TEST_F(CliTest, EventsReportLossOnlyForWhatWasAskedFor)
{
	for (std::uint64_t seq : {5, 6}) {
		Event e;
		e.seq = seq;
		e.action = MEMPLUG_EVENT_PLUG;
		fake.events.push_back(e);
	}
	EXPECT_EQ(run({"events", "--json"}), 0);
	Json doc = Json::parse(out.str());
	EXPECT_EQ(doc["first_seq"], 5);
	EXPECT_EQ(doc["lost"], 0);
	EXPECT_EQ(doc["events"].size(), 2u);
	EXPECT_EQ(run({"events", "--since", "0", "--json"}), 0);
	doc = Json::parse(out.str());
	EXPECT_EQ(doc["first_seq"], 1);
	EXPECT_EQ(doc["lost"], 4);
	EXPECT_EQ(run({"events", "--since", "6"}), 0);
	EXPECT_EQ(out.str(), "6 plug\n");
}

TEST_F(CliTest, MonitorExitCodes)
{
	auto c = parse({"monitor", "--json", "--count", "2", "--timeout", "1.5", "--range", "3",
			"--since", "17"});
	EXPECT_TRUE(c->options<cli::MonitorCliOptions>("monitor").json);
	EXPECT_EQ(c->options<cli::MonitorCliOptions>("monitor").monitor.count, 2u);
	EXPECT_EQ(c->options<cli::MonitorCliOptions>("monitor").monitor.timeout, 1500ms);
	EXPECT_EQ(c->options<cli::MonitorCliOptions>("monitor").monitor.range, 3u);
	EXPECT_EQ(c->options<cli::MonitorCliOptions>("monitor").monitor.since, 17u);
	expect_usage({"monitor", "--count", "-1"});
	expect_usage({"monitor", "--timeout", "0"});
	expect_usage({"monitor", "--range", "x"});
	expect_usage({"monitor", "extra"});

	fake.status.event_seq = 5;
	Event e;
	e.seq = 5;
	e.action = MEMPLUG_EVENT_PLUG;
	e.range_id = 1;
	FakeBackend::Receive one;
	one.received.events = {e};
	fake.script.push_back(one);
	EXPECT_EQ(run({"monitor", "--json", "--count", "1"}), 0) << err.str();
	EXPECT_EQ(Json::parse(out.str())["action"], "plug");
	EXPECT_EQ(err.str(), "");

	EXPECT_EQ(run({"monitor", "--timeout", "0.05"}), 124);
	EXPECT_EQ(out.str(), "");

	// 5 and 6 are gone from the ring: an overrun, exit 1 at the end.
	e.seq = 7;
	fake.events = {e};
	EXPECT_EQ(run({"monitor", "--json", "--since", "5", "--timeout", "0.05"}), 1);
	std::istringstream lines(out.str());
	std::string first, second;
	std::getline(lines, first);
	std::getline(lines, second);
	EXPECT_EQ(Json::parse(first)["action"], "overrun");
	EXPECT_EQ(Json::parse(first)["lost_from"], 5);
	EXPECT_EQ(Json::parse(first)["lost_to"], 6);
	EXPECT_EQ(Json::parse(second)["seq"], 7);
	EXPECT_EQ(
		err.str(),
		"memplugctl: monitor: 2 event(s) lost in 1 overrun(s); see the overrun records\n");

	fake.subscribe_error = Error::kernel("joining the memplug monitor group", EPERM,
					     "receiving events needs CAP_SYS_ADMIN");
	EXPECT_EQ(run({"monitor"}), 4);
	EXPECT_EQ(err.str(), "memplugctl: joining the memplug monitor group: receiving events "
			     "needs CAP_SYS_ADMIN (EPERM)\n");
}

// --state-file: resumes after the seq it holds, records every one.
TEST_F(CliTest, MonitorStateFile)
{
	const auto state = dir.path() / "monitor.seq";
	fake.status.event_seq = 5;
	Event e;
	e.action = MEMPLUG_EVENT_PLUG;
	e.range_id = 1;
	FakeBackend::Receive one;
	e.seq = 5;
	one.received.events = {e};
	fake.script.push_back(one);
	// No file yet: from the next event on.
	EXPECT_EQ(run({"monitor", "--json", "--count", "1", "--state-file", state.string()}), 0)
		<< err.str();
	EXPECT_EQ(Json::parse(out.str())["seq"], 5);
	EXPECT_EQ(memplug::test::read_file(state), "5\n");

	// 6 and 7 came while it was not running: read back from the ring.
	fake.status.event_seq = 9;
	fake.events.clear();
	for (std::uint64_t s : {6, 7}) {
		e.seq = s;
		fake.events.push_back(e);
	}
	EXPECT_EQ(run({"monitor", "--json", "--count", "2", "--state-file", state.string()}), 0)
		<< err.str();
	std::istringstream lines(out.str());
	std::string first, second;
	std::getline(lines, first);
	std::getline(lines, second);
	EXPECT_EQ(Json::parse(first)["seq"], 6);
	EXPECT_EQ(Json::parse(second)["seq"], 7);
	EXPECT_EQ(memplug::test::read_file(state), "7\n");

	// What the ring no longer holds is an overrun, recorded as handled.
	fake.events.clear();
	e.seq = 10;
	fake.events.push_back(e);
	EXPECT_EQ(run({"monitor", "--json", "--timeout", "0.05", "--state-file", state.string()}),
		  1);
	EXPECT_EQ(memplug::test::read_file(state), "10\n");
	EXPECT_NE(out.str().find("\"lost_from\":8,\"lost_to\":9"), std::string::npos) << out.str();

	memplug::test::write_file(state, "garbage\n");
	EXPECT_EQ(run({"monitor", "--state-file", state.string()}), 2);
	EXPECT_NE(err.str().find("garbage"), std::string::npos) << err.str();
}

TEST_F(CliTest, Candidates)
{
	memplug::test::write_file(dir.path() / "block_size_bytes", "8000000\n");
	memplug::test::write_file(dir.path() / "host/proc/iomem",
				  "00100000-3fffffff : System RAM\n"
				  "40000000-7fffffff : Persistent Memory (legacy)\n"
				  "  40000000-4fffffff : System RAM (memplug)\n");
	EXPECT_EQ(run({"candidates", "--json"}), 0) << err.str();
	Json doc = Json::parse(out.str());
	ASSERT_EQ(doc["candidates"].size(), 2u);
	EXPECT_EQ(doc["candidates"][0]["reason"], "plugged by memplug");
	EXPECT_EQ(doc["candidates"][1]["start"], "0x50000000");

	// With the module's ranges the id is named.
	fake.preload(0x40000000, 0x10000000, "online_movable");
	EXPECT_EQ(run({"candidates", "--json"}), 0) << err.str();
	doc = Json::parse(out.str());
	EXPECT_EQ(doc["candidates"][0]["reason"], "plugged by memplug (range 1)");
	EXPECT_EQ(doc["candidates"][0]["range"], 1);

	// Nothing of memplug's: the module is not asked.
	connects = 0;
	memplug::test::write_file(dir.path() / "host/proc/iomem",
				  "40000000-7fffffff : Persistent Memory (legacy)\n");
	EXPECT_EQ(run({"candidates"}), 0) << err.str();
	EXPECT_EQ(connects, 0);
	EXPECT_NE(
		out.str().find("0x40000000  0x7fffffff  1G    Persistent Memory (legacy)  usable"),
		std::string::npos)
		<< out.str();

	// What a user without CAP_SYS_ADMIN sees.
	memplug::test::write_file(dir.path() / "host/proc/iomem",
				  "00000000-00000000 : Persistent Memory (legacy)\n"
				  "  00000000-00000000 : System RAM (memplug)\n");
	EXPECT_EQ(run({"candidates"}), 4);
	EXPECT_NE(err.str().find("only to root"), std::string::npos) << err.str();
	EXPECT_NE(err.str().find("(EACCES)"), std::string::npos) << err.str();
	EXPECT_EQ(out.str(), "");
}

TEST_F(CliTest, CandidatesWithClaimsReservedAndCxl)
{
	memplug::test::write_file(dir.path() / "block_size_bytes", "8000000\n");
	memplug::test::write_file(dir.path() / "host/proc/iomem",
				  "40000000-7fffffff : Persistent Memory (legacy)\n"
				  "  40000000-4fffffff : memplug range 3\n"
				  "    40000000-47ffffff : System RAM (memplug)\n"
				  "    48000000-4fffffff : System RAM (memplug)\n"
				  "80000000-87ffffff : Reserved\n"
				  "1000000000-13ffffffff : CXL Window 0\n"
				  "  1000000000-10ffffffff : region0\n"
				  "  1100000000-11ffffffff : region1\n");
	const auto cxl = dir.path() / "host/sys/bus/cxl/devices";
	memplug::test::write_file(cxl / "region0/commit", "1\n");
	memplug::test::write_file(cxl / "region1/commit", "0\n");

	EXPECT_EQ(run({"candidates"}), 0) << err.str();
	EXPECT_EQ(connects, 0) << "the claim names the range";
	EXPECT_EQ(
		out.str(),
		"START         END           SIZE  TYPE                        STATUS\n"
		"0x40000000    0x4fffffff    256M  Persistent Memory (legacy)  plugged by "
		"memplug (range 3)\n"
		"0x50000000    0x7fffffff    768M  Persistent Memory (legacy)  usable\n"
		"0x80000000    0x87ffffff    128M  Reserved                    needs --force: "
		"firmware-reserved: may be MMIO or firmware data; use --force only if you know "
		"RAM backs it\n"
		"0x1000000000  0x10ffffffff  4G    CXL region0                 usable\n"
		"0x1100000000  0x11ffffffff  4G    CXL region1                 needs --force: CXL "
		"region is not committed: nothing decodes its addresses yet; commit it first\n"
		"0x1200000000  0x13ffffffff  8G    CXL Window 0                needs --force: CXL "
		"window outside a committed region: nothing decodes these addresses; plug the "
		"region, or use --force only if you know RAM backs it\n");

	EXPECT_EQ(run({"candidates", "--json"}), 0) << err.str();
	const Json doc = Json::parse(out.str());
	ASSERT_EQ(doc["candidates"].size(), 6u);
	for (const auto &c : doc["candidates"]) {
		ASSERT_TRUE(c.contains("needs_force")) << c;
		EXPECT_TRUE(c["needs_force"].is_boolean()) << c;
	}
	EXPECT_EQ(doc["candidates"][0]["range"], 3);
	EXPECT_EQ(doc["candidates"][0]["needs_force"], false);
	EXPECT_EQ(doc["candidates"][1]["usable"], true);
	EXPECT_EQ(doc["candidates"][2]["usable"], false);
	EXPECT_EQ(doc["candidates"][2]["needs_force"], true);
	EXPECT_EQ(doc["candidates"][2]["reason"], std::string(kReservedNeedsForce));
	EXPECT_EQ(doc["candidates"][3]["type"], "CXL region0");
	EXPECT_EQ(doc["candidates"][3]["usable"], true);
	EXPECT_EQ(doc["candidates"][4]["needs_force"], true);
	EXPECT_EQ(doc["candidates"][4]["reason"], std::string(kCxlRegionNotCommitted));
	EXPECT_EQ(doc["candidates"][5]["reason"], std::string(kCxlWindowNeedsForce));

	// The CXL core gone (no sysfs): no region is taken for committed.
	std::filesystem::remove_all(cxl);
	EXPECT_EQ(run({"candidates", "--json"}), 0) << err.str();
	EXPECT_EQ(Json::parse(out.str())["candidates"][3]["needs_force"], true);
}

// --json makes a usage error a document on stdout too (exit 2); the
// message stays on stderr, and help is no error.
TEST_F(CliTest, UsageErrorsWithJson)
{
	EXPECT_EQ(run({"plug", "--start", "0x40000000"}), 2);
	EXPECT_EQ(out.str(), "");
	const std::string text = err.str();
	EXPECT_NE(text.find("--size is required"), std::string::npos) << text;

	EXPECT_EQ(run({"plug", "--start", "0x40000000", "--json"}), 2);
	EXPECT_EQ(err.str(), text);
	EXPECT_EQ(
		out.str(),
		R"j({"error":{"kind":"usage","message":"--size is required","errno":null,"reason":null,"signal":null,"exit_code":2},"warnings":[],"format":1})j"
		"\n");

	// A validator's refusal, and no command at all.
	EXPECT_EQ(run({"blocks", "x", "--json"}), 2);
	EXPECT_EQ(Json::parse(out.str())["error"]["kind"], "usage");
	EXPECT_EQ(run({"--json"}), 2);
	EXPECT_EQ(Json::parse(out.str())["error"]["exit_code"], 2);

	EXPECT_EQ(run({"list", "--json", "--help"}), 0);
	EXPECT_EQ(out.str().find("\"error\""), std::string::npos) << out.str();
	EXPECT_TRUE(fake.calls.empty());
}

// Every failure with --json: the message on stderr as without it, the
// error document with the exit code on stdout.
TEST_F(CliTest, FailuresWithJson)
{
	connect_error =
		Error(ErrorKind::NoFamily, "family memplug not found (is memplug.ko loaded?)");
	EXPECT_EQ(run({"list"}), 3);
	EXPECT_EQ(out.str(), "");
	const std::string text = err.str();
	EXPECT_EQ(run({"list", "--json"}), 3);
	EXPECT_EQ(err.str(), text);
	EXPECT_EQ(
		out.str(),
		R"j({"error":{"kind":"no_module","message":"family memplug not found (is memplug.ko loaded?)","errno":null,"reason":null,"signal":null,"exit_code":3},"warnings":[],"format":1})j"
		"\n");
	connect_error.reset();

	EXPECT_EQ(run({"unplug", "7", "--json"}), 1);
	const Json doc = Json::parse(out.str());
	EXPECT_EQ(doc["error"]["kind"], "kernel");
	EXPECT_EQ(doc["error"]["errno"], "ENOENT");
	EXPECT_EQ(doc["error"]["exit_code"], 1);
	EXPECT_EQ("memplugctl: " + doc["error"]["message"].get<std::string>() + "\n", err.str());
}

// Every command's --json output against its schema in docs/schema, with
// scripts/json-schema-check.py; the VM's schema_test does the same
// against the real module. Python's jsonschema is a build dependency
// (scripts/deps.sh); without it there is nothing to validate with.
TEST_F(CliTest, JsonOutputMatchesTheSchemas)
{
	if (std::system("/usr/bin/python3 -c 'import jsonschema' 2>/dev/null") != 0)
		GTEST_SKIP() << "no python3-jsonschema";
	const auto outputs = dir.path() / "json";
	std::filesystem::create_directories(outputs);
	int checked = 0;
	// Runs @args, expecting @code, and validates stdout against @schema.
	const auto check = [&](const std::string &schema, std::vector<std::string> args, int code,
			       bool lines = false) {
		SCOPED_TRACE(schema + ": " + args.front());
		ASSERT_EQ(run(args), code) << err.str();
		const auto file = outputs / (std::to_string(++checked) + ".json");
		std::ofstream(file) << out.str();
		const std::string cmd = std::string("/usr/bin/python3 " MEMPLUG_SCHEMA_CHECK " ") +
					(lines ? "--lines " : "") + MEMPLUG_SCHEMA_DIR "/" +
					schema + ".schema.json " + file.string();
		EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd << "\n" << out.str();
	};

	// The ratio warning on plug, memory tiers, a candidate.
	memplug::test::write_file(dir.path() / "host/proc/zoneinfo",
				  memplug::test::zoneinfo_fixture(12 * 262144));
	const auto tiering = dir.path() / "host/sys/devices/virtual/memory_tiering";
	memplug::test::write_file(tiering / "memory_tier4/nodelist", "0\n");
	memplug::test::write_file(dir.path() / "block_size_bytes", "8000000\n");
	memplug::test::write_file(dir.path() / "host/proc/iomem",
				  "00100000-3fffffff : System RAM\n"
				  "40000000-7fffffff : Persistent Memory (legacy)\n");

	check("status", {"status", "--json"}, 0);
	check("plug", {"plug", "--start", "0x40000000", "--size", "512M", "--json"}, 0);
	ASSERT_EQ(Json::parse(out.str())["warnings"].size(), 1u) << out.str();
	check("list", {"list", "--json"}, 0);
	check("blocks", {"blocks", "--json"}, 0);
	check("events", {"events", "--since", "0", "--json"}, 0);
	check("protect", {"protect", "1", "--json"}, 0);
	check("unprotect", {"unprotect", "1", "--json"}, 0);
	check("offline", {"offline", "1", "--json"}, 0);
	check("online", {"online", "1", "--json"}, 0);
	check("tiers", {"tiers", "--json"}, 0);
	check("candidates", {"candidates", "--json"}, 0);
	// A range to plug and range 1 as an extra one.
	const auto config = dir.path() / "ranges.d";
	memplug::test::write_file(config / "dev.conf", "start = 0x60000000\nsize = 256M\n");
	check("apply", {"apply", "--config-dir", config.string(), "--dry-run", "--json"}, 0);
	check("apply", {"apply", "--config-dir", config.string(), "--json"}, 0);
	ASSERT_EQ(Json::parse(out.str())["actions"].size(), 2u) << out.str();
	check("unplug", {"unplug", "1", "--json"}, 0);
	check("error", {"unplug", "1", "--json"}, 1);
	check("error", {"plug", "--json"}, 2);

	// An overrun record, then an event.
	Event e;
	e.seq = 7;
	e.action = MEMPLUG_EVENT_PLUG;
	fake.events = {e};
	check("monitor", {"monitor", "--json", "--since", "5", "--timeout", "0.05"}, 1, true);
	const std::string records = out.str();
	EXPECT_EQ(std::count(records.begin(), records.end(), '\n'), 2) << records;

	// The checker refuses what breaks the schema.
	const auto bad = outputs / "bad.json";
	std::ofstream(bad) << R"({"ranges":[{"id":"1"}],"warnings":[],"format":1})" << '\n';
	const std::string cmd = "/usr/bin/python3 " MEMPLUG_SCHEMA_CHECK " " MEMPLUG_SCHEMA_DIR
				"/list.schema.json " +
				bad.string() + " 2>/dev/null";
	EXPECT_NE(std::system(cmd.c_str()), 0);
}
