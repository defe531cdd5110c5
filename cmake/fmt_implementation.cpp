// fmt's compiled part, built into mgate instead of loaded from libfmt.so at every start (the
// dynamic loader is most of `mgate version`). This is what fmt's own src/format.cc compiles: the
// non-template functions of format-inl.h, and the templates that fmt's headers declare but leave
// to the library to instantiate. Every other file includes fmt as usual; fmt header-only instead
// (FMT_HEADER_ONLY) would compile the whole formatting engine in each of them, 2.5 times the
// compile time of a rule. Only the char instantiations are made, written so that they name the
// same functions in fmt 9 (Debian 12) and fmt 10 (Debian 13); a missing one is a link error.
#include <fmt/format-inl.h>

FMT_BEGIN_NAMESPACE
namespace detail {

template auto dragonbox::to_decimal(float x) noexcept -> dragonbox::decimal_fp<float>;
template auto dragonbox::to_decimal(double x) noexcept -> dragonbox::decimal_fp<double>;

template locale_ref::locale_ref(const std::locale& loc);
template auto locale_ref::get<std::locale>() const -> std::locale;

template auto thousands_sep_impl(locale_ref) -> thousands_sep_result<char>;
template auto decimal_point_impl(locale_ref) -> char;

template void buffer<char>::append(const char*, const char*);

template void vformat_to(buffer<char>&, string_view, format_args, locale_ref);

}  // namespace detail
FMT_END_NAMESPACE
