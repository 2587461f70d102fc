// Calendar time: erlang:date/0, time/0, localtime/0, universaltime/0, the conversions between
// local and universal time and POSIX seconds, now/0, time_offset/1, os:perf_counter/0,1.
// The current time comes from the VM's clock (vm_config::clock); the local time zone is the
// node's (TZ), as in erl.
#include <ctime>

#include "runtime/bif/bif_registry.hpp"
#include "runtime/bif/bif_util.hpp"

namespace aion::vm {

namespace {

struct civil {
  std::int64_t year;
  int month, day, hour, minute, second;
};

// Days since 1970-01-01 of a proleptic Gregorian date, and back (eras of 400 years).
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
  y -= m <= 2;
  std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  std::int64_t yoe = y - era * 400;
  std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}
civil civil_from_seconds(std::int64_t s) {
  std::int64_t days = s >= 0 ? s / 86400 : (s - 86399) / 86400;
  std::int64_t secs = s - days * 86400;
  std::int64_t z = days + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (m <= 2),
          m,
          d,
          static_cast<int>(secs / 3600),
          static_cast<int>(secs / 60 % 60),
          static_cast<int>(secs % 60)};
}

bool leap(std::int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}
int days_in_month(std::int64_t y, int m) {
  static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : days[m - 1];
}

term date_term(process& p, const civil& c) {
  return tuple_of(p,
                  {make_integer(allocator_of(p), c.year), make_small(c.month), make_small(c.day)});
}
term time_term(process& p, const civil& c) {
  return tuple_of(p, {make_small(c.hour), make_small(c.minute), make_small(c.second)});
}
term datetime_term(process& p, const civil& c) {
  return tuple_of(p, {date_term(p, c), time_term(p, c)});
}

// {{Y, M, D}, {H, Mi, S}} with a valid date and time and a year of at least `min_year`.
bool read_datetime(term t, std::int64_t min_year, civil* c) {
  if (!is_tuple(t) || tuple_arity(t) != 2) return false;
  term d = tuple_element(t, 0), tm = tuple_element(t, 1);
  if (!is_tuple(d) || tuple_arity(d) != 3 || !is_tuple(tm) || tuple_arity(tm) != 3) return false;
  for (word i = 0; i < 3; ++i)
    if (!is_small(tuple_element(d, i)) || !is_small(tuple_element(tm, i))) return false;
  sword y = small_value(tuple_element(d, 0)), mo = small_value(tuple_element(d, 1)),
        da = small_value(tuple_element(d, 2)), h = small_value(tuple_element(tm, 0)),
        mi = small_value(tuple_element(tm, 1)), s = small_value(tuple_element(tm, 2));
  if (y < min_year || y > (sword{1} << 31) || mo < 1 || mo > 12 || da < 1 ||
      da > days_in_month(y, static_cast<int>(mo)) || h < 0 || h > 23 || mi < 0 || mi > 59 ||
      s < 0 || s > 59)
    return false;
  *c = {y,
        static_cast<int>(mo),
        static_cast<int>(da),
        static_cast<int>(h),
        static_cast<int>(mi),
        static_cast<int>(s)};
  return true;
}
std::int64_t seconds_of(const civil& c) {
  return days_from_civil(c.year, c.month, c.day) * 86400 + c.hour * 3600 + c.minute * 60 + c.second;
}

// erts refuses local-time conversions before 1902 and POSIX ones before 1600.
constexpr std::int64_t min_local_year = 1902;
constexpr std::int64_t min_posix_year = 1600;

civil local_of(std::int64_t utc_seconds) {
  std::time_t t = static_cast<std::time_t>(utc_seconds);
  std::tm tm{};
  localtime_r(&t, &tm);
  return {
      tm.tm_year + std::int64_t{1900}, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec};
}

std::int64_t now_seconds(process& p) {
  std::int64_t ns = p.owner().system_ns();
  return ns >= 0 ? ns / 1000000000 : (ns - 999999999) / 1000000000;
}

term universaltime0(process& p, const term*) {
  return datetime_term(p, civil_from_seconds(now_seconds(p)));
}
term localtime0(process& p, const term*) {
  return datetime_term(p, local_of(now_seconds(p)));
}
term date0(process& p, const term*) {
  return date_term(p, local_of(now_seconds(p)));
}
term time0(process& p, const term*) {
  return time_term(p, local_of(now_seconds(p)));
}

term universaltime_to_localtime1(process& p, const term* a) {
  civil c;
  if (!read_datetime(a[0], min_local_year, &c)) return p.badarg();
  return datetime_term(p, local_of(seconds_of(c)));
}

term localtime_to_universaltime2(process& p, const term* a) {
  civil c;
  if (!read_datetime(a[0], min_local_year, &c)) return p.badarg();
  std::tm tm{};
  tm.tm_year = static_cast<int>(c.year - 1900);
  tm.tm_mon = c.month - 1;
  tm.tm_mday = c.day;
  tm.tm_hour = c.hour;
  tm.tm_min = c.minute;
  tm.tm_sec = c.second;
  if (a[1] == atoms::true_)
    tm.tm_isdst = 1;
  else if (a[1] == atoms::false_)
    tm.tm_isdst = 0;
  else if (a[1] == atoms::undefined)
    tm.tm_isdst = -1;
  else
    return p.badarg();
  std::time_t t = std::mktime(&tm);
  return datetime_term(p, civil_from_seconds(static_cast<std::int64_t>(t)));
}

term universaltime_to_posixtime1(process& p, const term* a) {
  civil c;
  if (!read_datetime(a[0], min_posix_year, &c)) return p.badarg();
  return make_integer(allocator_of(p), seconds_of(c));
}

term posixtime_to_universaltime1(process& p, const term* a) {
  auto s = integer_to_int64(a[0]);
  // Years beyond 32 bits are refused, as erts does.
  if (!s || *s < -(std::int64_t{1} << 46) || *s > (std::int64_t{1} << 46)) return p.badarg();
  return datetime_term(p, civil_from_seconds(*s));
}

// erlang:now/0 reads the system clock in microseconds. TODO(cleanup): OTP also guarantees
// strictly increasing values across the node; aion does not (now/0 is deprecated in OTP).
term now0(process& p, const term*) {
  std::int64_t us = p.owner().system_ns() / 1000;
  return tuple_of(p, {make_small(us / 1000000000000), make_small(us / 1000000 % 1000000),
                      make_small(us % 1000000)});
}

term perf_counter0(process& p, const term*) {
  return make_integer(allocator_of(p), p.owner().monotonic_ns());
}

term native_units_per_second(process&, const term*) {
  return make_small(1000000000);
}

constexpr bif_def defs[] = {
    {"erlang", "universaltime", 0, universaltime0},
    {"erlang", "localtime", 0, localtime0},
    {"erlang", "date", 0, date0},
    {"erlang", "time", 0, time0},
    {"erlang", "universaltime_to_localtime", 1, universaltime_to_localtime1},
    {"erlang", "localtime_to_universaltime", 2, localtime_to_universaltime2},
    {"erlang", "universaltime_to_posixtime", 1, universaltime_to_posixtime1},
    {"erlang", "posixtime_to_universaltime", 1, posixtime_to_universaltime1},
    {"erlang", "now", 0, now0},
    {"os", "perf_counter", 0, perf_counter0},
    {"erts_internal", "time_unit", 0, native_units_per_second},
    {"erts_internal", "perf_counter_unit", 0, native_units_per_second},
};

}  // namespace

std::span<const bif_def> bifs_time() {
  return defs;
}

}  // namespace aion::vm
