// `mgate completion bash|zsh`: shell completion generated from the command-line definition
// itself, so every command and option that mgate has is completed, and nothing it lacks.
#include <fmt/core.h>

#include <iostream>
#include <map>

#include "cli/commands.hpp"
#include "core/config.hpp"
#include "discover/discover.hpp"
#include "report/writer.hpp"

namespace mgate {
namespace {

struct OptionSpec {
  std::vector<std::string> names;  // "--format", "-q"
  std::string description;
  bool takes_value = false;
  std::vector<std::string> values;  // the choices, when there is a fixed set
  bool files = false;               // a path
};

struct CommandSpec {
  std::string name;  // "lint", or "hook install"
  std::string description;
  std::vector<OptionSpec> options;
  bool positional_files = false;
  std::vector<std::string> positional_words;
  std::vector<std::string> subcommands;
};

std::vector<std::string> value_choices(const std::string& option) {
  if (option == "--format") {
    std::vector<std::string> formats;
    for (const auto& w : all_writers()) formats.emplace_back(w->format());
    return formats;
  }
  if (option == "--layout") return layout_names();
  if (option == "--fail-on") return {"error", "warning", "never"};
  if (option == "--color") return {"auto", "always", "never"};
  if (option == "--provider") return {"local", "docker", "external"};
  return {};
}

bool is_path_option(const std::string& option) {
  return option == "--config" || option == "--output" || option == "--pg-bin";
}

// The first sentence of a description, for the one-line help of a completion menu.
std::string short_description(std::string text) {
  if (const auto end = text.find_first_of(".:(\n"); end != std::string::npos) text.resize(end);
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

CommandSpec describe(const CLI::App& app, const std::string& name) {
  CommandSpec spec{name, short_description(app.get_description()), {}, false, {}, {}};
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_positional() && !opt->nonpositional()) {
      if (name == "completion") {
        spec.positional_words = {"bash", "zsh"};
      } else if (name == "rules") {
        spec.positional_words = {};  // rule ids: completed by asking mgate itself
      } else {
        spec.positional_files = true;
      }
      continue;
    }
    OptionSpec o;
    for (const auto& s : opt->get_snames()) o.names.push_back("-" + s);
    for (const auto& l : opt->get_lnames()) o.names.push_back("--" + l);
    if (o.names.empty()) continue;
    o.description = short_description(opt->get_description());
    o.takes_value = opt->get_type_size() != 0;
    o.values = value_choices(o.names.back());
    o.files = is_path_option(o.names.back());
    spec.options.push_back(std::move(o));
  }
  for (const CLI::App* sub : app.get_subcommands({})) spec.subcommands.push_back(sub->get_name());
  return spec;
}

std::vector<CommandSpec> describe_all(const CLI::App& app) {
  std::vector<CommandSpec> all;
  for (const CLI::App* sub : app.get_subcommands({})) {
    all.push_back(describe(*sub, sub->get_name()));
    for (const CLI::App* leaf : sub->get_subcommands({})) {
      all.push_back(describe(*leaf, sub->get_name() + " " + leaf->get_name()));
    }
  }
  return all;
}

std::string join(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& w : words) text += (text.empty() ? "" : " ") + w;
  return text;
}

void write_bash(std::ostream& out, const CLI::App& app) {
  const auto commands = describe_all(app);
  std::vector<std::string> top;
  for (const CLI::App* sub : app.get_subcommands({})) top.push_back(sub->get_name());
  out << "# bash completion for mgate. Load it with: source <(mgate completion bash)\n"
         "_mgate() {\n"
         "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
         "  local cmd=\"\" i\n"
         "  # The command: its first word, and a second for commands that have subcommands.\n"
         "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
         "    case \"${COMP_WORDS[i]}\" in\n"
         "      -*) ;;\n"
         "      *) if [[ -z $cmd ]]; then cmd=${COMP_WORDS[i]}; elif [[ $cmd == hook ]]; then "
         "cmd=\"$cmd ${COMP_WORDS[i]}\"; fi ;;\n"
         "    esac\n"
         "  done\n"
         "  case \"$prev\" in\n";
  std::map<std::string, const OptionSpec*> value_options;
  for (const auto& c : commands) {
    for (const auto& o : c.options) {
      if (o.takes_value) value_options.emplace(o.names.back(), &o);
    }
  }
  for (const auto& [name, o] : value_options) {
    if (!o->values.empty()) {
      out << "    " << name << ") COMPREPLY=($(compgen -W \"" << join(o->values)
          << "\" -- \"$cur\")); return ;;\n";
    } else if (o->files) {
      out << "    " << name << ") COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n";
    } else {
      out << "    " << name << ") return ;;\n";
    }
  }
  out << "  esac\n  case \"$cmd\" in\n"
      << "    \"\") COMPREPLY=($(compgen -W \"" << join(top)
      << " --help --version\" -- \"$cur\")) ;;\n";
  for (const auto& c : commands) {
    std::vector<std::string> options = {"--help"};
    for (const auto& o : c.options) options.insert(options.end(), o.names.begin(), o.names.end());
    out << "    \"" << c.name << "\")\n      if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W \""
        << join(options) << "\" -- \"$cur\"))\n";
    if (!c.subcommands.empty()) {
      out << "      else COMPREPLY=($(compgen -W \"" << join(c.subcommands) << "\" -- \"$cur\"))\n";
    } else if (c.name == "rules") {
      out << "      else COMPREPLY=($(compgen -W \"$(\"${COMP_WORDS[0]}\" rules 2>/dev/null | "
             "cut -d' ' -f1)\" -- \"$cur\"))\n";
    } else if (!c.positional_words.empty()) {
      out << "      else COMPREPLY=($(compgen -W \"" << join(c.positional_words)
          << "\" -- \"$cur\"))\n";
    } else if (c.positional_files) {
      out << "      else COMPREPLY=($(compgen -f -- \"$cur\"))\n";
    }
    out << "      fi ;;\n";
  }
  out << "  esac\n}\ncomplete -o filenames -F _mgate mgate\n";
}

// zsh's _arguments specs: text inside [...] must not hold brackets, colons or quotes.
std::string zsh_text(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '[' || c == ']' || c == ':' || c == '\'' || c == '`' || c == '$') continue;
    out += c;
  }
  return out;
}

void write_zsh(std::ostream& out, const CLI::App& app) {
  const auto commands = describe_all(app);
  out << "#compdef mgate\n# zsh completion for mgate. Load it with: source <(mgate completion "
         "zsh)\n# or save it as _mgate in a directory of $fpath.\n"
         "_mgate() {\n  local -a commands\n  commands=(\n";
  for (const CLI::App* sub : app.get_subcommands({})) {
    out << "    '" << sub->get_name() << ':' << zsh_text(short_description(sub->get_description()))
        << "'\n";
  }
  out << "  )\n  if (( CURRENT == 2 )); then _describe command commands; return; fi\n"
         "  local cmd=${words[2]}\n"
         "  [[ $cmd == hook && CURRENT -gt 3 ]] && cmd=\"hook ${words[3]}\"\n"
         "  case $cmd in\n";
  for (const auto& c : commands) {
    out << "    '" << c.name << "')\n      _arguments -s";
    if (c.name.find(' ') != std::string::npos)
      out << " -C '1: :(" << c.name.substr(c.name.find(' ') + 1) << ")'";
    for (const auto& o : c.options) {
      const std::string help = zsh_text(o.description);
      std::string action;
      if (o.takes_value) {
        if (!o.values.empty()) {
          action = ":value:(" + join(o.values) + ")";
        } else if (o.files) {
          action = ":file:_files";
        } else {
          action = ":value: ";
        }
      }
      for (const auto& name : o.names) {
        out << " \\\n        '" << (o.takes_value && name.starts_with("--") ? name + "=" : name)
            << '[' << help << ']' << action << "'";
      }
    }
    if (!c.subcommands.empty()) {
      out << " \\\n        '1:subcommand:(" << join(c.subcommands) << ")'";
    } else if (c.name == "rules") {
      out << " \\\n        \"1:rule:($(${words[1]} rules 2>/dev/null | cut -d' ' -f1))\"";
    } else if (!c.positional_words.empty()) {
      out << " \\\n        '1:shell:(" << join(c.positional_words) << ")'";
    } else if (c.positional_files) {
      out << " \\\n        '*:path:_files'";
    }
    out << " ;;\n";
  }
  out << "  esac\n}\ncompdef _mgate mgate 2>/dev/null || _mgate \"$@\"\n";
}

}  // namespace

CLI::App* add_completion_command(CLI::App& app, CompletionCommand& c) {
  CLI::App* cmd = app.add_subcommand(
      "completion", "Print shell completion: source <(mgate completion bash), or zsh");
  cmd->add_option("SHELL", c.shell, "bash or zsh")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh"}));
  return cmd;
}

int run_completion(const CompletionCommand& c, const CLI::App& app) {
  if (c.shell == "bash") {
    write_bash(std::cout, app);
  } else {
    write_zsh(std::cout, app);
  }
  return 0;
}

}  // namespace mgate
