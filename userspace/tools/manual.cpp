// SPDX-License-Identifier: GPL-2.0
#include "manual.hpp"

#include <cctype>
#include <sstream>

#include "help.hpp"

namespace memplug::manual {

namespace {

// ---- memplugctl apply and its files ----------------------------------
// Everything memplug.conf(5) says of memplugctl apply beyond plug's
// options is here, in one place.

constexpr const char *kConfigDir = "/etc/memplug/ranges.d";

constexpr const char *kConfName = "ranges for memplugctl apply";

constexpr const char *kConfDescription[] = {
	"memplugctl apply plugs the ranges its configuration files describe. It reads "
	"every file whose name ends in .conf in /etc/memplug/ranges.d (apply --config-dir "
	"DIR reads DIR instead), in the lexical order of their names, and ignores every "
	"other file there. Each file describes one range.",
	"A file is made of lines key = value. Blank lines and lines starting with # are "
	"ignored; the whitespace around key and value is trimmed. The keys are the long "
	"options of memplugctl plug but --json, without their dashes, and take the same "
	"values; a flag takes yes or no. Only exclude may be given more than once.",
	"Instead of start, a file may name the range by the description /proc/iomem gives "
	"it, with iomem and index; start and iomem exclude each other, and one of them is "
	"required.",
};

// Keys only the files have, after plug's.
struct FileKey {
	const char *key;
	const char *value;
	const char *text;
};
constexpr FileKey kFileKeys[] = {
	{"iomem", "DESCRIPTION",
	 "The range is the top-level range of /proc/iomem with exactly this description "
	 "(for example Soft Reserved): all of it, or, with size, that many bytes from its "
	 "start. Excludes start."},
	{"index", "N",
	 "Which of the top-level ranges with the description of iomem: 0 is the first, at "
	 "the lowest address (default: 0)."},
};

// What the files say of some of plug's keys besides plug's help.
std::string key_note(std::string_view key)
{
	if (key == "start")
		return " Required unless iomem is given.";
	if (key == "size")
		return " Required with start; with iomem, the default is the whole range.";
	if (key == "name")
		return " Default: the file's name without .conf.";
	if (key == "exclude")
		return " One range per line; the key may be given again.";
	return {};
}

constexpr const char *kConfErrors =
	"memplugctl apply checks every file before it changes anything. An error in any "
	"of them, a key it does not know, a value plug would refuse, both or neither of "
	"start and iomem, is reported as FILE:LINE: message, nothing is plugged, and the "
	"exit status is 2.";

constexpr const char *kConfExampleStart = "# A range by its address: 1 GiB at 0x40000000,\n"
					  "# checked page by page as it is onlined.\n"
					  "start = 0x40000000\n"
					  "size = 1G\n"
					  "verify = yes\n"
					  "exclude = 0x40200000-0x40200fff\n";
constexpr const char *kConfExampleIomem = "# The second Soft Reserved range of /proc/iomem,\n"
					  "# as slow memory, protected from offlining.\n"
					  "iomem = Soft Reserved\n"
					  "index = 1\n"
					  "tier = slow\n"
					  "protect = yes\n"
					  "timeout = 120\n";

// ---- end of memplugctl apply ---------------------------------------

// The options a subcommand documents: all but --help.
std::vector<const CLI::Option *> options_of(const CLI::App &sub)
{
	std::vector<const CLI::Option *> opts;
	for (const CLI::Option *opt : sub.get_options())
		if (opt->get_name() != "--help" && opt->get_name() != "-h,--help" &&
		    !(opt->get_lnames().size() == 1 && opt->get_lnames().front() == "help"))
			opts.push_back(opt);
	return opts;
}

std::vector<const CLI::App *> subcommands_of(const cli::Cli &cli)
{
	return cli.app.get_subcommands([](const CLI::App *) { return true; });
}

bool is_flag(const CLI::Option &opt)
{
	return opt.get_expected_max() == 0;
}

std::string long_name(const CLI::Option &opt)
{
	return opt.get_lnames().empty() ? opt.get_name() : "--" + opt.get_lnames().front();
}

std::string type_of(const CLI::Option &opt)
{
	return opt.get_type_name();
}

const cli::Command *command_named(std::string_view name)
{
	for (const cli::Command &c : cli::commands())
		if (name == c.name)
			return &c;
	return nullptr;
}

// A description as a sentence: capitalised help strings end with a dot.
std::string sentence(std::string text)
{
	if (!text.empty() && text.back() != '.')
		text += '.';
	return text;
}

// The footer of a subcommand without the examples Cli appended.
std::string footer_text(const CLI::App &sub)
{
	std::string footer = sub.get_footer();
	const cli::Command *command = command_named(sub.get_name());
	if (command) {
		const std::string examples = cli::examples_text(command->examples);
		if (!examples.empty() && footer.size() >= examples.size() &&
		    footer.compare(footer.size() - examples.size(), examples.size(), examples) == 0)
			footer.erase(footer.size() - examples.size());
	}
	// A subcommand without a footer of its own shows the top level's, the
	// exit status, which the manual has once.
	const CLI::App *top = sub.get_parent();
	const std::string inherited = top ? top->get_footer() : std::string();
	if (!inherited.empty() && footer.rfind(inherited, 0) == 0)
		footer.erase(0, inherited.size());
	while (!footer.empty() && footer.back() == '\n')
		footer.pop_back();
	return footer;
}

std::vector<std::string> lines_of(std::string_view text)
{
	std::vector<std::string> lines;
	std::size_t pos = 0;
	while (pos <= text.size()) {
		const std::size_t nl = text.find('\n', pos);
		lines.emplace_back(
			text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos));
		if (nl == std::string_view::npos)
			break;
		pos = nl + 1;
	}
	return lines;
}

std::string trim(std::string_view s)
{
	const auto b = s.find_first_not_of(' ');
	if (b == s.npos)
		return {};
	return std::string(s.substr(b, s.find_last_not_of(' ') - b + 1));
}

// Footer text as paragraphs: blank lines separate them, lines starting
// with "- " are bullets whose indented lines continue them.
std::string paragraphs(std::string_view text)
{
	std::string out = ".PP\n";
	bool in_bullet = false;
	bool fresh = true; // nothing written since the last paragraph macro
	for (const std::string &line : lines_of(text)) {
		if (trim(line).empty()) {
			out += ".PP\n";
			in_bullet = false;
			fresh = true;
			continue;
		}
		if (line.rfind("- ", 0) == 0) {
			out += ".IP \\(bu 2\n" + roff(trim(line.substr(2))) + "\n";
			in_bullet = true;
			fresh = false;
			continue;
		}
		if (in_bullet && line.rfind(" ", 0) != 0) {
			out += ".PP\n";
			in_bullet = false;
		}
		(void)fresh;
		out += roff(trim(line)) + "\n";
		fresh = false;
	}
	return out;
}

// One option as a .TP item.
std::string option_item(const CLI::Option &opt)
{
	std::string out = ".TP\n";
	if (opt.get_positional()) {
		out += "\\fI" + roff(opt.get_name()) + "\\fR";
	} else {
		out += "\\fB" + roff(long_name(opt)) + "\\fR";
		if (!is_flag(opt))
			out += " \\fI" + roff(type_of(opt)) + "\\fR";
	}
	out += "\n" + roff(sentence(opt.get_description()));
	if (opt.get_required())
		out += " Required.";
	if (!opt.get_default_str().empty())
		out += " Default: " + roff(opt.get_default_str()) + ".";
	return out + "\n";
}

// The synopsis of a subcommand: required options, [optional] ones, the
// positional argument last.
std::string synopsis(const CLI::App &sub)
{
	std::string out = ".B memplugctl " + roff(sub.get_name()) + "\n";
	std::vector<std::string> parts;
	std::string positional;
	for (const CLI::Option *opt : options_of(sub)) {
		if (opt->get_positional()) {
			positional = opt->get_required()
					     ? "\\fI" + roff(opt->get_name()) + "\\fR"
					     : "[\\fI" + roff(opt->get_name()) + "\\fR]";
			continue;
		}
		std::string item = "\\fB" + roff(long_name(*opt)) + "\\fR";
		if (!is_flag(*opt))
			item += " \\fI" + roff(type_of(*opt)) + "\\fR";
		parts.push_back(opt->get_required() ? item : "[" + item + "]");
	}
	if (!positional.empty())
		parts.push_back(positional);
	for (const std::string &p : parts)
		out += p + "\n";
	return out;
}

std::string example_items(std::span<const cli::Example> examples)
{
	std::string out;
	for (const cli::Example &ex : examples) {
		out += ".PP\n" + roff(ex.explanation) + ":\n.PP\n.RS 4\n.nf\n" +
		       roff(std::string("# ") + ex.command) + "\n.fi\n.RE\n";
	}
	return out;
}

// The top level's footer: "Exit status:" and lines "  N  text", with
// continuation lines indented further.
std::string exit_status(const std::string &footer)
{
	std::string out;
	bool started = false;
	for (const std::string &line : lines_of(footer)) {
		if (!started) {
			started = line.rfind("Exit status:", 0) == 0;
			continue;
		}
		const std::string text = trim(line);
		if (text.empty())
			break;
		const auto gap = text.find("  ");
		const bool code = line.rfind("  ", 0) == 0 && line.size() > 2 && line[2] != ' ' &&
				  gap != text.npos && text.find_first_not_of("0123456789") == gap;
		if (code)
			out += ".TP\n.B " + text.substr(0, gap) + "\n" +
			       roff(trim(text.substr(gap))) + "\n";
		else
			out += roff(text) + "\n";
	}
	return out;
}

std::string header(std::string_view title, int section, std::string_view version,
		   std::string_view manual)
{
	return ".\\\" SPDX-License-Identifier: GPL-2.0\n"
	       ".\\\" Generated by mkman from memplugctl's command line; do not edit.\n"
	       ".TH " +
	       std::string(title) + " " + std::to_string(section) + " \"\" \"memplug " +
	       std::string(version) + "\" \"" + std::string(manual) + "\"\n";
}

} // namespace

std::string roff(std::string_view text)
{
	std::string out;
	for (char c : text) {
		switch (c) {
		case '\\':
			out += "\\e";
			break;
		case '-':
			out += "\\-";
			break;
		default:
			out += c;
		}
	}
	// Control characters at the start of a line, and after each newline.
	std::string guarded;
	bool line_start = true;
	for (char c : out) {
		if (line_start && (c == '.' || c == '\''))
			guarded += "\\&";
		guarded += c;
		line_start = c == '\n';
	}
	return guarded;
}

std::string memplugctl_8(const cli::Cli &cli, std::string_view version)
{
	std::ostringstream m;
	m << header("MEMPLUGCTL", 8, version, "System Administration");
	// The one line of --help, as whatis(1) shows it: no capital, no dot.
	std::string what = cli.app.get_description();
	if (!what.empty() && what.back() == '.')
		what.pop_back();
	if (!what.empty())
		what.front() =
			static_cast<char>(std::tolower(static_cast<unsigned char>(what.front())));
	m << ".SH NAME\nmemplugctl \\- " << roff(what) << "\n";

	m << ".SH SYNOPSIS\n.B memplugctl\n.I command\n.RI [ options ]\n.br\n"
	  << ".B memplugctl\n.I command\n.B \\-\\-help\n.br\n"
	  << ".B memplugctl\n.BR \\-\\-help \" | \" \\-\\-version\n";

	m << ".SH DESCRIPTION\n" << roff(cli::program_description()) << "\n";
	m << ".PP\nThe commands are:\n";
	for (const CLI::App *sub : subcommands_of(cli))
		m << ".TP\n.B " << roff(sub->get_name()) << "\n"
		  << roff(sentence(sub->get_description())) << "\n";
	m << ".PP\nEvery command takes \\fB\\-h\\fR, \\fB\\-\\-help\\fR, which prints its "
	     "options, what it adds to them and its examples. "
	     "Numbers are decimal or hexadecimal with 0x; sizes may end in K, M, G or T.\n";

	m << ".SH COMMANDS\n";
	for (const CLI::App *sub : subcommands_of(cli)) {
		m << ".SS " << roff(sub->get_name()) << "\n" << synopsis(*sub);
		m << ".PP\n" << roff(sentence(sub->get_description())) << "\n";
		for (const CLI::Option *opt : options_of(*sub))
			m << option_item(*opt);
		const std::string footer = footer_text(*sub);
		if (!footer.empty())
			m << paragraphs(footer);
	}

	m << ".SH OPTIONS\n"
	  << ".TP\n.BR \\-h \", \" \\-\\-help\nPrint the commands, or with a command its "
	     "options and examples, and exit.\n"
	  << ".TP\n.B \\-\\-version\nPrint memplugctl's version and the version of the "
	     "memplug protocol it speaks, and exit.\n";

	m << ".SH EXIT STATUS\n" << exit_status(cli.app.get_footer());

	m << ".SH FILES\n"
	  << ".TP\n.I " << roff(kConfigDir) << "/*.conf\n"
	  << "The ranges memplugctl apply plugs; see memplug.conf(5).\n"
	  << ".TP\n.I /proc/iomem\nWhere candidates looks for ranges that could be plugged.\n"
	  << ".TP\n.I /sys/devices/system/memory\nThe memory blocks, onlined and offlined "
	     "through their state files.\n"
	  << ".TP\n.I /sys/devices/virtual/memory_tiering\nThe kernel's memory tiers.\n"
	  << ".TP\n.I /proc/zoneinfo\nEach node's kernel and movable memory.\n";

	m << ".SH EXAMPLES\n";
	for (const CLI::App *sub : subcommands_of(cli)) {
		const cli::Command *command = command_named(sub->get_name());
		if (command)
			m << example_items(command->examples);
	}

	m << ".SH SEE ALSO\n"
	  << ".BR daxctl (1),\n.BR lsmem (1),\n.BR chmem (8),\n.BR memplug.conf (5)\n";
	return m.str();
}

std::string memplug_conf_5(const cli::Cli &cli, std::string_view version)
{
	const CLI::App *plug = cli.app.get_subcommand("plug");
	std::ostringstream m;
	m << header("MEMPLUG.CONF", 5, version, "File Formats");
	m << ".SH NAME\nmemplug.conf \\- " << roff(kConfName) << "\n";
	m << ".SH SYNOPSIS\n.I " << roff(kConfigDir) << "/*.conf\n";
	m << ".SH DESCRIPTION\n";
	for (const char *p : kConfDescription)
		m << ".PP\n" << roff(p) << "\n";

	m << ".SH KEYS\n";
	// The keys are those of plug's options that apply's files accept.
	const auto keys = cli::plug_keys();
	for (const CLI::Option *opt : options_of(*plug)) {
		if (opt->get_lnames().empty())
			continue;
		const std::string key = opt->get_lnames().front();
		if (!keys->kind(key))
			continue;
		m << ".TP\n\\fB" << roff(key) << "\\fR = ";
		if (is_flag(*opt))
			m << "\\fByes\\fR | \\fBno\\fR";
		else
			m << "\\fI" << roff(type_of(*opt)) << "\\fR";
		m << "\n" << roff(sentence(opt->get_description())) << roff(key_note(key)) << "\n";
	}
	for (const FileKey &k : kFileKeys)
		m << ".TP\n\\fB" << roff(k.key) << "\\fR = \\fI" << roff(k.value) << "\\fR\n"
		  << roff(k.text) << "\n";
	m << ".PP\nmemplugctl(8) says more of each key under plug.\n";

	m << ".SH ERRORS\n" << roff(kConfErrors) << "\n";

	m << ".SH EXAMPLES\n"
	  << ".PP\n"
	  << roff(kConfigDir) << "/10\\-spare.conf:\n.PP\n.RS 4\n.nf\n"
	  << roff(kConfExampleStart) << ".fi\n.RE\n"
	  << ".PP\n"
	  << roff(kConfigDir) << "/20\\-soft.conf:\n.PP\n.RS 4\n.nf\n"
	  << roff(kConfExampleIomem) << ".fi\n.RE\n";

	m << ".SH SEE ALSO\n.BR memplugctl (8)\n";
	return m.str();
}

std::vector<std::string> fixed_values(std::string_view type_name)
{
	// The words of memplug's parsers for these types (parse.hpp); the
	// unit tests have the command line accept each.
	if (type_name == "TYPE")
		return {"none", "online", "kernel", "movable"};
	if (type_name == "POLICY")
		return {"movable", "kernel", "any"};
	if (type_name == "ZONE")
		return {"movable", "kernel"};
	if (type_name == "TIER")
		return {"auto", "dram", "slow"};
	return {};
}

std::string bash_completion(const cli::Cli &cli)
{
	std::ostringstream s;
	s << "# bash completion for memplugctl(8)\n"
	     "# Generated by mkman from memplugctl's command line; do not edit.\n"
	     "\n"
	     "# The ids of the plugged ranges, from memplugctl list --json.\n"
	     "_memplugctl_range_ids()\n"
	     "{\n"
	     "\tlocal json re='\"id\":([0-9]+)'\n"
	     "\tjson=$(memplugctl list --json 2>/dev/null) || return 0\n"
	     "\twhile [[ $json =~ $re ]]; do\n"
	     "\t\tprintf '%s\\n' \"${BASH_REMATCH[1]}\"\n"
	     "\t\tjson=${json#*\"${BASH_REMATCH[0]}\"}\n"
	     "\tdone\n"
	     "}\n"
	     "\n"
	     "_memplugctl()\n"
	     "{\n"
	     "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
	     "\tlocal cmd='' i\n"
	     "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	     "\t\tif [[ ${COMP_WORDS[i]} != -* ]]; then\n"
	     "\t\t\tcmd=${COMP_WORDS[i]}\n"
	     "\t\t\tbreak\n"
	     "\t\tfi\n"
	     "\tdone\n"
	     "\tCOMPREPLY=()\n"
	     "\tif [[ -z $cmd ]]; then\n"
	     "\t\tCOMPREPLY=($(compgen -W '";
	std::string names;
	for (const CLI::App *sub : subcommands_of(cli))
		names += sub->get_name() + " ";
	s << names << "--help --version' -- \"$cur\"))\n"
	  << "\t\treturn 0\n"
	     "\tfi\n"
	     "\n"
	     "\t# opts: its options; valued: those that take a value; ids: whether\n"
	     "\t# its argument is a range id.\n"
	     "\tlocal opts='' valued='' ids=0\n"
	     "\tcase $cmd in\n";
	std::ostringstream values;
	for (const CLI::App *sub : subcommands_of(cli)) {
		std::string opts, valued;
		bool ids = false;
		for (const CLI::Option *opt : sub->get_options()) {
			if (opt->get_positional()) {
				ids = ids || opt->get_name() == "ID";
				continue;
			}
			for (const std::string &l : opt->get_lnames()) {
				opts += (opts.empty() ? "" : " ") + ("--" + l);
				if (!is_flag(*opt))
					valued += (valued.empty() ? "" : " ") + ("--" + l);
			}
			if (is_flag(*opt))
				continue;
			const std::string type = type_of(*opt);
			std::string words;
			for (const std::string &w : fixed_values(type))
				words += (words.empty() ? "" : " ") + w;
			if (!words.empty())
				values << "\t" << sub->get_name() << ":" << long_name(*opt)
				       << ") COMPREPLY=($(compgen -W '" << words
				       << "' -- \"$cur\")) ;;\n";
			else if (type == "ID")
				values << "\t" << sub->get_name() << ":" << long_name(*opt)
				       << ") COMPREPLY=($(compgen -W \"$(_memplugctl_range_ids)\" "
					  "-- "
					  "\"$cur\")) ;;\n";
		}
		s << "\t" << sub->get_name() << ")\n"
		  << "\t\topts='" << opts << "'\n";
		if (!valued.empty())
			s << "\t\tvalued='" << valued << "'\n";
		if (ids)
			s << "\t\tids=1\n";
		s << "\t\t;;\n";
	}
	s << "\t*) return 0 ;;\n"
	     "\tesac\n"
	     "\n"
	     "\t# The value of an option.\n"
	     "\tif [[ \" $valued \" == *\" $prev \"* ]]; then\n"
	     "\t\tcase $cmd:$prev in\n"
	  << values.str()
	  << "\t\tesac\n"
	     "\t\treturn 0\n"
	     "\tfi\n"
	     "\tif [[ $cur == -* ]]; then\n"
	     "\t\tCOMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
	     "\t\treturn 0\n"
	     "\tfi\n"
	     "\t# A range id, unless one was given already.\n"
	     "\t((ids)) || return 0\n"
	     "\tlocal w given=0\n"
	     "\tfor ((w = i + 1; w < COMP_CWORD; w++)); do\n"
	     "\t\tif [[ ${COMP_WORDS[w]} == -* ]]; then\n"
	     "\t\t\t[[ \" $valued \" == *\" ${COMP_WORDS[w]} \"* ]] && ((w++))\n"
	     "\t\telse\n"
	     "\t\t\tgiven=1\n"
	     "\t\tfi\n"
	     "\tdone\n"
	     "\t((given)) && return 0\n"
	     "\tCOMPREPLY=($(compgen -W \"$(_memplugctl_range_ids)\" -- \"$cur\"))\n"
	     "}\n"
	     "\n"
	     "complete -F _memplugctl memplugctl\n";
	return s.str();
}

} // namespace memplug::manual
