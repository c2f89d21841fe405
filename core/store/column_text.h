#pragma once
// Reading a text column that may be NULL, as the queries of core/ do.

#include <SQLiteCpp/Statement.h>

#include <string>

namespace yz {

// The text of column `i` of the current row of `st`, or "" when it is NULL.
inline std::string column_text(SQLite::Statement& st, int i) {
  const SQLite::Column c = st.getColumn(i);
  return c.isNull() ? std::string() : c.getString();
}

}  // namespace yz
