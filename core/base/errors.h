#pragma once
// Typed errors thrown by core/ and caught at the boundary (CLI, app, server),
// which turns them into a line a nurse or a script understands.

#include <stdexcept>
#include <string>
#include <vector>

namespace yz {

enum class Lang { zh, en };

// The name of a bilingual reference entry (a vital, an ICD-10 code, an
// export column: anything with `zh` and `en` members) in `lang`. UI text
// has its own tables (app/yizhen/strings.h, core/base/messages.h).
template <class Named>
auto name_in(const Named& entry, Lang lang) {
  return lang == Lang::zh ? entry.zh : entry.en;
}

// One problem with one field of a record. `code` selects a message template
// (see messages.h); `args` fill its {} placeholders in order.
struct FieldError {
  std::string field;
  std::string code;
  std::vector<std::string> args = {};

  // "field (code): problem" in the given language, the field's code after
  // its label (for the command line, logs and what is stored: it names the
  // option or column to fix).
  std::string message(Lang lang) const;
  // "field: problem", for a person reading it in the field app or the
  // console: the label alone (the code only when the field has no label).
  std::string plain_message(Lang lang) const;
};

// Input was refused; nothing was written. Holds every problem found, first
// one first. what() is the English message of the first problem.
class ValidationError : public std::runtime_error {
 public:
  explicit ValidationError(std::vector<FieldError> errors);
  explicit ValidationError(FieldError error) : ValidationError(std::vector<FieldError>{std::move(error)}) {}
  const std::vector<FieldError>& errors() const { return errors_; }

 private:
  std::vector<FieldError> errors_;
};

// A record that was asked for by id does not exist.
class NotFound : public std::runtime_error {
 public:
  NotFound(std::string entity, std::string id);
  const std::string& entity() const { return entity_; }
  const std::string& id() const { return id_; }

 private:
  std::string entity_, id_;
};

// The database could not be opened, migrated or written (disk full, corrupt,
// newer schema than this build understands). Nothing was written.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace yz
