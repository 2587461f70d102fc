// The math module's builtins (math:sqrt/1, math:pow/2, ...). Results that are not finite
// raise badarith, as in OTP.
#include <cmath>

#include "runtime/bif/bif_registry.hpp"
#include "runtime/bif/bif_util.hpp"

namespace aion::vm {

namespace {

template <double (*F)(double)>
term unary(process& p, const term* a) {
  if (!is_number(a[0])) return p.badarg();
  double r = F(number_to_double(a[0]));
  if (!std::isfinite(r)) return p.raise_error(atoms::badarith);
  return make_float(allocator_of(p), r);
}

template <double (*F)(double, double)>
term binary(process& p, const term* a) {
  if (!is_number(a[0]) || !is_number(a[1])) return p.badarg();
  double r = F(number_to_double(a[0]), number_to_double(a[1]));
  if (!std::isfinite(r)) return p.raise_error(atoms::badarith);
  return make_float(allocator_of(p), r);
}

double d_sqrt(double x) { return std::sqrt(x); }
double d_sin(double x) { return std::sin(x); }
double d_cos(double x) { return std::cos(x); }
double d_tan(double x) { return std::tan(x); }
double d_asin(double x) { return std::asin(x); }
double d_acos(double x) { return std::acos(x); }
double d_atan(double x) { return std::atan(x); }
double d_sinh(double x) { return std::sinh(x); }
double d_cosh(double x) { return std::cosh(x); }
double d_tanh(double x) { return std::tanh(x); }
double d_asinh(double x) { return std::asinh(x); }
double d_acosh(double x) { return std::acosh(x); }
double d_atanh(double x) { return std::atanh(x); }
double d_exp(double x) { return std::exp(x); }
double d_log(double x) { return std::log(x); }
double d_log2(double x) { return std::log2(x); }
double d_log10(double x) { return std::log10(x); }
double d_erf(double x) { return std::erf(x); }
double d_erfc(double x) { return std::erfc(x); }
double d_ceil(double x) { return std::ceil(x); }
double d_floor(double x) { return std::floor(x); }
double d_pow(double x, double y) { return std::pow(x, y); }
double d_atan2(double x, double y) { return std::atan2(x, y); }
double d_fmod(double x, double y) { return std::fmod(x, y); }

term pi(process& p, const term*) { return make_float(allocator_of(p), M_PI); }

constexpr bif_def defs[] = {
    {"math", "sqrt", 1, unary<d_sqrt>},   {"math", "sin", 1, unary<d_sin>},
    {"math", "cos", 1, unary<d_cos>},     {"math", "tan", 1, unary<d_tan>},
    {"math", "asin", 1, unary<d_asin>},   {"math", "acos", 1, unary<d_acos>},
    {"math", "atan", 1, unary<d_atan>},   {"math", "sinh", 1, unary<d_sinh>},
    {"math", "cosh", 1, unary<d_cosh>},   {"math", "tanh", 1, unary<d_tanh>},
    {"math", "asinh", 1, unary<d_asinh>}, {"math", "acosh", 1, unary<d_acosh>},
    {"math", "atanh", 1, unary<d_atanh>}, {"math", "exp", 1, unary<d_exp>},
    {"math", "log", 1, unary<d_log>},     {"math", "log2", 1, unary<d_log2>},
    {"math", "log10", 1, unary<d_log10>}, {"math", "erf", 1, unary<d_erf>},
    {"math", "erfc", 1, unary<d_erfc>},   {"math", "ceil", 1, unary<d_ceil>},
    {"math", "floor", 1, unary<d_floor>}, {"math", "pow", 2, binary<d_pow>},
    {"math", "atan2", 2, binary<d_atan2>}, {"math", "fmod", 2, binary<d_fmod>},
    {"math", "pi", 0, pi},
};

}  // namespace

std::span<const bif_def> bifs_math() { return defs; }

}  // namespace aion::vm
