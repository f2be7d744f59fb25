// Boost.JSON and Boost.URL compiled into the fuzz build (see CMakeLists.txt for why). Their
// documented way to build them as part of a program: include src.hpp in exactly one file.
#include <boost/json/src.hpp>
#include <boost/url/src.hpp>
