// SPDX-License-Identifier: GPL-2.0
//
// The manual pages and the completion say what the command line does:
// every subcommand and option is in memplugctl(8) and in its --help, every
// --help ends with its examples, every plug option is a key of
// memplug.conf(5), and every value the completion offers is accepted.
#include <algorithm>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "cli.hpp"
#include "help.hpp"
#include "manual.hpp"
#include "test_util.hpp"

using namespace memplug;
using memplug::test::TempDir;

namespace {

// Runs memplugctl with @args; there is no kernel to talk to.
int run(std::vector<std::string> args, std::string &out, std::string &err)
{
	TempDir dir;
	std::ostringstream o, e;
	args.insert(args.begin(), "memplugctl");
	std::vector<const char *> argv;
	for (const auto &a : args)
		argv.push_back(a.c_str());
	cli::Context ctx{o,
			 e,
			 []() -> Result<std::unique_ptr<Backend>> {
				 return Error::usage("no kernel in this test");
			 },
			 System{MemorySysfs(dir.path()), HostFiles::under(dir.path() / "host")},
			 {}};
	const int code = cli::run(static_cast<int>(argv.size()), argv.data(), ctx);
	out = o.str();
	err = e.str();
	return code;
}

bool contains(const std::string &text, const std::string &needle)
{
	return text.find(needle) != std::string::npos;
}

std::vector<const CLI::App *> subcommands(const cli::Cli &c)
{
	return c.app.get_subcommands([](const CLI::App *) { return true; });
}

// What names an option in --help and in the manual.
std::string name_of(const CLI::Option &opt)
{
	return opt.get_positional() ? opt.get_name() : "--" + opt.get_lnames().front();
}

} // namespace

TEST(Manual, RoffEscapes)
{
	EXPECT_EQ(manual::roff("--json"), "\\-\\-json");
	EXPECT_EQ(manual::roff("a\\b"), "a\\eb");
	EXPECT_EQ(manual::roff(".x\n'y\nz.'"), "\\&.x\n\\&'y\nz.'");
	EXPECT_EQ(manual::roff("0x40000000-0x40200fff"), "0x40000000\\-0x40200fff");
}

TEST(Manual, EverySubcommandAndOptionInTheManualAndHelp)
{
	const cli::Cli c;
	const std::string man = manual::memplugctl_8(c, "1.2.3");
	EXPECT_EQ(man.rfind(".\\\" SPDX", 0), 0u);
	for (const char *section :
	     {"\n.SH NAME\nmemplugctl \\- ", "\n.SH SYNOPSIS\n", "\n.SH DESCRIPTION\n",
	      "\n.SH COMMANDS\n", "\n.SH EXIT STATUS\n", "\n.SH FILES\n", "\n.SH EXAMPLES\n",
	      "\n.SH SEE ALSO\n"})
		EXPECT_TRUE(contains(man, section)) << section;
	EXPECT_TRUE(contains(man, "memplug 1.2.3"));

	const auto subs = subcommands(c);
	ASSERT_EQ(subs.size(), cli::commands().size());
	for (const CLI::App *sub : subs) {
		const std::string name = sub->get_name();
		EXPECT_TRUE(contains(man, "\n.SS " + manual::roff(name) + "\n")) << name;
		std::string out, err;
		ASSERT_EQ(run({name, "--help"}, out, err), 0) << name << err;
		for (const CLI::Option *opt : sub->get_options()) {
			if (opt->get_lnames() == std::vector<std::string>{"help"})
				continue;
			const std::string option = name_of(*opt);
			EXPECT_TRUE(contains(man, manual::roff(option))) << name << " " << option;
			EXPECT_TRUE(
				contains(man, manual::roff(opt->get_description().substr(0, 30))))
				<< name << " " << option;
			EXPECT_TRUE(contains(out, option)) << name << " " << option << "\n" << out;
		}

		// --help ends with the examples, which the manual has too.
		const cli::Command &command =
			*std::find_if(cli::commands().begin(), cli::commands().end(),
				      [&](const cli::Command &cmd) { return name == cmd.name; });
		ASSERT_GE(command.examples.size(), 1u) << name;
		ASSERT_LE(command.examples.size(), 3u) << name;
		const auto at = out.rfind("\nExamples:\n");
		ASSERT_NE(at, std::string::npos) << out;
		std::string tail;
		for (const cli::Example &ex : command.examples) {
			EXPECT_EQ(std::string(ex.command).rfind("memplugctl " + name, 0), 0u)
				<< ex.command;
			tail += std::string("  ") + ex.command + "\n      " + ex.explanation + "\n";
			EXPECT_TRUE(contains(man, manual::roff(std::string("# ") + ex.command)))
				<< ex.command;
			EXPECT_TRUE(contains(man, manual::roff(ex.explanation))) << ex.explanation;
		}
		EXPECT_EQ(out.substr(at + 11), tail) << name;
	}
}

TEST(Manual, FootersAndExitStatusReachTheManual)
{
	const cli::Cli c;
	const std::string man = manual::memplugctl_8(c, "1.2.3");
	// The footer of cancel, with its list, and the exit codes of --help.
	EXPECT_TRUE(contains(man, ".IP \\(bu 2\na plug (memplugctl plug waiting"));
	EXPECT_TRUE(contains(man, "cancel does not wait for the kernel to stop"));
	for (const char *code : {"0", "1", "2", "3", "4", "5", "124", "130"})
		EXPECT_TRUE(contains(man, std::string(".TP\n.B ") + code + "\n")) << code;
	EXPECT_TRUE(contains(man, ".TP\n.B 3\nthe memplug module is not loaded"));
	// Once: not again in the commands that show it in their --help.
	EXPECT_EQ(man.find("the memplug module is not loaded"),
		  man.rfind("the memplug module is not loaded"));
	EXPECT_FALSE(contains(man, "Exit status:"));
	for (const char *see :
	     {".BR daxctl (1)", ".BR lsmem (1)", ".BR chmem (8)", ".BR memplug.conf (5)"})
		EXPECT_TRUE(contains(man, see)) << see;
	// Every line is text or a request; no unescaped hyphen in the text.
	std::istringstream lines(man);
	for (std::string line; std::getline(lines, line);) {
		if (line.rfind(".\\\"", 0) == 0)
			continue;
		for (std::size_t i = 0; i < line.size(); i++) {
			if (line[i] == '-') {
				EXPECT_TRUE(i > 0 && line[i - 1] == '\\') << line;
			}
		}
	}
}

TEST(Manual, EveryPlugOptionIsAConfKey)
{
	const cli::Cli c;
	const std::string conf = manual::memplug_conf_5(c, "1.2.3");
	const CLI::App *plug = c.app.get_subcommand("plug");
	const auto accepted = cli::plug_keys();
	int keys = 0;
	for (const CLI::Option *opt : plug->get_options()) {
		const std::string key = opt->get_lnames().front();
		// Listed exactly when apply's files take it.
		EXPECT_EQ(contains(conf, ".TP\n\\fB" + manual::roff(key) + "\\fR = "),
			  accepted->kind(key).has_value())
			<< key;
		keys += accepted->kind(key).has_value();
	}
	EXPECT_GE(keys, 14);
	EXPECT_FALSE(contains(conf, "\\fBjson\\fR"));
	EXPECT_TRUE(contains(conf, ".TP\n\\fBprotect\\fR = \\fByes\\fR | \\fBno\\fR\n"));
	EXPECT_TRUE(contains(conf, ".TP\n\\fBstart\\fR = \\fIADDR\\fR\n"));
	EXPECT_TRUE(contains(conf, ".TP\n\\fBiomem\\fR = \\fIDESCRIPTION\\fR\n"));
	EXPECT_TRUE(contains(conf, ".TP\n\\fBindex\\fR = \\fIN\\fR\n"));
	EXPECT_TRUE(contains(conf, "/etc/memplug/ranges.d"));
	EXPECT_TRUE(contains(conf, "FILE:LINE: message"));
	EXPECT_TRUE(contains(conf, ".BR memplugctl (8)"));
}

TEST(Manual, CompletionValuesAreAccepted)
{
	const cli::Cli c;
	const std::string script = manual::bash_completion(c);
	// What each command needs besides the option tried.
	const std::map<std::string, std::vector<std::string>> base = {
		{"plug", {"--start", "0x40000000", "--size", "1G"}},
		{"online", {"1"}},
	};
	int tried = 0;
	for (const CLI::App *sub : subcommands(c)) {
		EXPECT_TRUE(contains(script, "\t" + sub->get_name() + ")\n")) << sub->get_name();
		for (const CLI::Option *opt : sub->get_options()) {
			if (opt->get_positional())
				continue;
			EXPECT_TRUE(contains(script, "--" + opt->get_lnames().front()));
			for (const std::string &value :
			     manual::fixed_values(opt->get_type_name())) {
				std::vector<std::string> args{sub->get_name()};
				if (base.count(sub->get_name()))
					for (const auto &a : base.at(sub->get_name()))
						args.push_back(a);
				// --online movable, the default, contradicts --zone kernel.
				if (sub->get_name() == "plug" &&
				    opt->get_lnames().front() == "zone")
					args.insert(args.end(), {"--online", "online"});
				args.push_back("--" + opt->get_lnames().front());
				args.push_back(value);
				std::vector<const char *> argv{"memplugctl"};
				for (const auto &a : args)
					argv.push_back(a.c_str());
				cli::Cli parser;
				EXPECT_NO_THROW(parser.app.parse(static_cast<int>(argv.size()),
								 argv.data()))
					<< sub->get_name() << " " << opt->get_name() << " "
					<< value;
				EXPECT_TRUE(contains(script, value));
				tried++;
			}
		}
	}
	EXPECT_EQ(tried, 4 + 3 + 3 + 2);
}

TEST(DidYouMean, Closest)
{
	const std::vector<std::string> names{"status",    "plug",   "unplug",     "protect",
					     "unprotect", "cancel", "candidates", "monitor"};
	EXPECT_EQ(cli::closest("plgu", names), "plug");
	EXPECT_EQ(cli::closest("stauts", names), "status");
	EXPECT_EQ(cli::closest("statsu", names), "status");
	EXPECT_EQ(cli::closest("mon", names), "monitor");
	EXPECT_EQ(cli::closest("unplgu", names), "unplug");
	EXPECT_EQ(cli::closest("canc", names), "cancel");
	EXPECT_EQ(cli::closest("can", names), std::nullopt); // cancel or candidates
	EXPECT_EQ(cli::closest("un", names), std::nullopt);
	EXPECT_EQ(cli::closest("xyzzy", names), std::nullopt);
	EXPECT_EQ(cli::closest("pl", names), "plug");
	EXPECT_EQ(cli::closest("x", names), std::nullopt);
	EXPECT_EQ(cli::closest("", names), std::nullopt);
}

TEST(DidYouMean, MistypedSubcommandsAndOptions)
{
	std::string out, err;
	EXPECT_EQ(run({"plgu"}, out, err), 2);
	EXPECT_EQ(out, "");
	EXPECT_TRUE(contains(err, "memplugctl: A subcommand is required\n")) << err;
	EXPECT_TRUE(contains(err, "memplugctl: 'plgu' is not a command; did you mean 'plug'?\n"))
		<< err;
	EXPECT_TRUE(contains(err, "Run 'memplugctl --help'")) << err;

	EXPECT_EQ(run({"stauts", "--json"}, out, err), 2);
	EXPECT_TRUE(contains(err, "did you mean 'status'?")) << err;

	EXPECT_EQ(
		run({"plug", "--start", "0x40000000", "--size", "1G", "--tire", "dram"}, out, err),
		2);
	EXPECT_TRUE(contains(err, "plug has no option '--tire'; did you mean '--tier'?")) << err;

	EXPECT_EQ(run({"plug", "--strat=0x40000000", "--size", "1G"}, out, err), 2);
	EXPECT_TRUE(contains(err, "plug has no option '--strat'; did you mean '--start'?")) << err;

	EXPECT_EQ(run({"list", "--jsno"}, out, err), 2);
	EXPECT_TRUE(contains(err, "did you mean '--json'?")) << err;

	// Nothing close: CLI11's error alone.
	EXPECT_EQ(run({"xyzzy"}, out, err), 2);
	EXPECT_FALSE(contains(err, "did you mean")) << err;
	EXPECT_EQ(run({"list", "--frobnicate"}, out, err), 2);
	EXPECT_FALSE(contains(err, "did you mean")) << err;
}
