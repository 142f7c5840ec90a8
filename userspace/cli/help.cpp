// SPDX-License-Identifier: GPL-2.0
#include "help.hpp"

#include <algorithm>

#include <CLI/CLI.hpp>

namespace memplug::cli {

std::string examples_text(std::span<const Example> examples)
{
	if (examples.empty())
		return {};
	std::string text = "Examples:";
	for (const Example &ex : examples)
		text += std::string("\n  ") + ex.command + "\n      " + ex.explanation;
	return text;
}

namespace {

// The optimal string alignment distance: Levenshtein's with the swap of
// two neighbours as one edit.
std::size_t edit_distance(std::string_view a, std::string_view b)
{
	std::vector<std::vector<std::size_t>> d(a.size() + 1,
						std::vector<std::size_t>(b.size() + 1));
	for (std::size_t i = 0; i <= a.size(); i++)
		d[i][0] = i;
	for (std::size_t j = 0; j <= b.size(); j++)
		d[0][j] = j;
	for (std::size_t i = 1; i <= a.size(); i++) {
		for (std::size_t j = 1; j <= b.size(); j++) {
			const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			d[i][j] = std::min(
				{d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
				d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
		}
	}
	return d[a.size()][b.size()];
}

constexpr std::size_t kMaxEdits = 2;

} // namespace

std::optional<std::string> closest(std::string_view word,
				   const std::vector<std::string> &candidates)
{
	if (word.empty())
		return std::nullopt;
	std::vector<std::string> prefixed;
	for (const auto &c : candidates)
		if (c.size() > word.size() && c.compare(0, word.size(), word) == 0)
			prefixed.push_back(c);
	if (prefixed.size() == 1)
		return prefixed.front();

	std::optional<std::string> best;
	std::size_t best_distance = kMaxEdits + 1;
	bool tie = false;
	for (const auto &c : candidates) {
		const std::size_t distance = edit_distance(word, c);
		if (distance >= word.size() || distance > kMaxEdits)
			continue;
		if (distance < best_distance) {
			best = c;
			best_distance = distance;
			tie = false;
		} else if (distance == best_distance) {
			tie = true;
		}
	}
	if (tie)
		return std::nullopt;
	return best;
}

std::string did_you_mean(const CLI::App &app)
{
	const auto left = app.remaining(true);
	const auto chosen = app.get_subcommands();
	if (chosen.empty()) {
		// The first word that is no option names the subcommand.
		const auto word = std::find_if(left.begin(), left.end(), [](const std::string &w) {
			return w.empty() || w.front() != '-';
		});
		if (word == left.end())
			return {};
		std::vector<std::string> names;
		for (const CLI::App *sub :
		     app.get_subcommands([](const CLI::App *) { return true; }))
			names.push_back(sub->get_name());
		const auto meant = closest(*word, names);
		if (!meant)
			return {};
		return "memplugctl: '" + *word + "' is not a command; did you mean '" + *meant +
		       "'?\n";
	}

	const CLI::App &sub = *chosen.front();
	for (const std::string &arg : left) {
		if (arg.rfind("--", 0) != 0)
			continue;
		const std::string word = arg.substr(0, arg.find('='));
		std::vector<std::string> names;
		for (const CLI::Option *opt : sub.get_options())
			for (const std::string &name : opt->get_lnames())
				names.push_back("--" + name);
		const auto meant = closest(word, names);
		if (!meant)
			return {};
		return "memplugctl: " + sub.get_name() + " has no option '" + word +
		       "'; did you mean '" + *meant + "'?\n";
	}
	return {};
}

} // namespace memplug::cli
