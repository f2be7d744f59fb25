#pragma once
// Structured JSON logs on stderr, one object per line:
//   {"ts":"2026-03-01T00:00:00.000Z","level":"info","msg":"capture.stored","event_id":"evt_..."}
// `msg` is a stable dotted event name; details go in fields, never into the message text.

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <variant>

namespace rehook::log {

struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(std::string_view(v)) {}
  Field(std::string_view k, std::int64_t v) : key(k), value(v) {}
  Field(std::string_view k, int v) : key(k), value(static_cast<std::int64_t>(v)) {}
  Field(std::string_view k, std::uint64_t v) : key(k), value(static_cast<std::int64_t>(v)) {}
  Field(std::string_view k, double v) : key(k), value(v) {}
  Field(std::string_view k, bool v) : key(k), value(v) {}

  std::string_view key;
  std::variant<std::string_view, std::int64_t, double, bool> value;
};

enum class Level { debug, info, warn, error };

// Sets up the stderr logger; call once at start-up. Safe to skip in tests (logs then go to a
// default stderr logger).
void Init(Level minimum);

void Write(Level level, std::string_view msg, std::initializer_list<Field> fields);

inline void Debug(std::string_view msg, std::initializer_list<Field> fields = {}) {
  Write(Level::debug, msg, fields);
}
inline void Info(std::string_view msg, std::initializer_list<Field> fields = {}) {
  Write(Level::info, msg, fields);
}
inline void Warn(std::string_view msg, std::initializer_list<Field> fields = {}) {
  Write(Level::warn, msg, fields);
}
inline void Error(std::string_view msg, std::initializer_list<Field> fields = {}) {
  Write(Level::error, msg, fields);
}

}  // namespace rehook::log
