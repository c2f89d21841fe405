// yizhenctl: the command-line tool of the field store (DESIGN.md §6).
// Global options (--db, --json, --lang) may stand before or after the verb.

#include <iostream>

#include "app/yizhenctl/cli.h"
#include "platform/paths.h"

int main(int argc, char** argv) {
  using namespace yz::cli;
  yz::platform::make_new_files_private();
  Context ctx;
  int exit_code = 0;
  CLI::App app{"yizhenctl — offline field records of yizhen"};
  app.set_help_all_flag("--help-all", "Show help for every verb");
  app.require_subcommand(1);
  app.fallthrough();  // let verbs accept the global options after them
  app.add_option("--db", ctx.db_path, "Database file (default: the per-user data folder)");
  app.add_flag("--json", ctx.json_out, "Machine-readable output");
  app.add_option("--lang", ctx.lang, "Language of messages (zh|en)")->check(CLI::IsMember({"zh", "en"}));

  add_store_commands(app, ctx, exit_code);
  add_patient_commands(app, ctx, exit_code);
  add_program_commands(app, ctx, exit_code);
  add_export_commands(app, ctx, exit_code);
  add_sync_commands(app, ctx, exit_code);
  add_report_commands(app, ctx, exit_code);
  add_crypto_commands(app, ctx, exit_code);
  add_team_commands(app, ctx, exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line naming the option and the problem; exit 2 as for bad input.
    std::string msg = e.what();
    // CLI11 reports an unknown verb as a missing one; name what was typed.
    if (const auto rest = app.remaining(true); !rest.empty() && e.get_name() == "RequiredError")
      msg = "unknown verb or argument '" + rest.front() + "'";
    for (char& c : msg)
      if (c == '\n') c = ' ';
    std::cerr << "error: " << msg << " (see yizhenctl --help)\n";
    return 2;
  }
  return exit_code;
}
