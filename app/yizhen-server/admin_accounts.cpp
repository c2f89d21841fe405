#include "app/yizhen-server/admin_accounts.h"

#include <unistd.h>

#include <iostream>
#include <memory>

#include "app/yizhen-server/admin_common.h"
#include "platform/passphrase.h"

using yz::server_admin::guarded;
using yz::server_admin::open_central;
using yz::server_admin::print;
using yz::sync::CentralError;

namespace {

// A new password: typed twice on a terminal, else the first line of
// standard input (scripts: `echo "$PW" | yizhen-server admin account add …`).
std::string read_password(const std::string& name) {
  if (isatty(STDIN_FILENO)) {
    const auto first = yz::platform::read_passphrase("password for " + name + ": ");
    const auto again = yz::platform::read_passphrase("the same again: ");
    if (!first || !again) throw CentralError(400, "no_password", "password: no terminal to type it on");
    if (*first != *again) throw CentralError(400, "password_mismatch", "password: the two entries differ");
    return *first;
  }
  std::string line;
  if (!std::getline(std::cin, line)) throw CentralError(400, "no_password", "password: none on standard input");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

void add_account_admin(CLI::App& admin, const std::string& db, const bool& as_json, int& code) {
  auto* account = admin.add_subcommand("account", "Console accounts: add, list, disable, passwd");
  account->require_subcommand(1);
  struct Args {
    std::string name, role, area;
  };
  auto a = std::make_shared<Args>();
  auto* add = account->add_subcommand("add", "Add an account (password from standard input)");
  add->add_option("--name", a->name, "Sign-in name")->required();
  add->add_option("--role", a->role, "admin, coordinator or viewer")->required();
  add->add_option("--area", a->area, "A coordinator's area: GB/T 2260 code of 2, 4, 6, 9 or 12 digits");
  add->callback([&db, &code, a] {
    code = guarded([&] {
      yz::sync::checked_account(a->name, a->role, a->area);  // before asking for a password
      auto store = open_central(db, true);
      store->add_account(a->name, a->role, a->area, read_password(a->name), yz::sync::AuditBy{});
      std::cout << "added " << a->role << " " << a->name << "\n";
      return 0;
    });
  });
  auto* list = account->add_subcommand("list", "Every account: name, role, area, created, disabled");
  list->callback([&db, &as_json, &code] { code = guarded([&] { return print(as_json, open_central(db, true)->accounts()), 0; }); });
  auto* disable = account->add_subcommand("disable", "An account signs in no more (kept for the audit)");
  disable->add_option("NAME", a->name, "The account")->required();
  disable->callback([&db, &code, a] {
    code = guarded([&] {
      open_central(db, true)->disable_account(a->name, yz::sync::AuditBy{});
      std::cout << "disabled " << a->name << "\n";
      return 0;
    });
  });
  auto* passwd = account->add_subcommand("passwd", "Set an account's password (from standard input)");
  passwd->add_option("NAME", a->name, "The account")->required();
  passwd->callback([&db, &code, a] {
    code = guarded([&] {
      auto store = open_central(db, true);
      store->set_account_password(a->name, read_password(a->name));
      std::cout << "password of " << a->name << " set\n";
      return 0;
    });
  });
}
