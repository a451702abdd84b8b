// Boost.Process v2 in 1.81 is not header-only once its environment functions are used: this
// one translation unit compiles its implementation (BOOST_PROCESS_V2_SEPARATE_COMPILATION).
#include <boost/process/v2/src.hpp>
