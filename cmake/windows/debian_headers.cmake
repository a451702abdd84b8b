# The Windows build's dependencies: the same Debian packages as on Linux, their headers only.
#
# find_package would hand back /usr/include, and with it glibc's headers, which break a mingw
# compile. Instead each package's own directory is exposed through a directory of symlinks, and
# the targets the Linux build gets from find_package are made here under the same names, so the
# rest of the build does not know which platform it is for.
set(procpool_debian_headers ${CMAKE_BINARY_DIR}/debian-headers)
file(MAKE_DIRECTORY ${procpool_debian_headers})
foreach(entry IN ITEMS boost CLI nlohmann cereal)
  if(NOT EXISTS /usr/include/${entry})
    message(FATAL_ERROR "/usr/include/${entry} is missing: scripts/setup installs the Debian "
                        "packages the Windows build takes its headers from")
  endif()
  file(CREATE_LINK /usr/include/${entry} ${procpool_debian_headers}/${entry} SYMBOLIC)
endforeach()
# Boost 1.81 includes <Windows.h>; mingw-w64 ships <windows.h>, and Linux file names are
# case-sensitive.
file(WRITE ${procpool_debian_headers}/Windows.h "#include <windows.h>\n")

function(procpool_header_target name)
  if(NOT TARGET ${name})
    add_library(${name} INTERFACE IMPORTED GLOBAL)
    set_target_properties(${name} PROPERTIES
      INTERFACE_SYSTEM_INCLUDE_DIRECTORIES ${procpool_debian_headers}
      INTERFACE_INCLUDE_DIRECTORIES ${procpool_debian_headers})
  endif()
endfunction()
procpool_header_target(Boost::headers)
procpool_header_target(CLI11::CLI11)
procpool_header_target(nlohmann_json::nlohmann_json)
procpool_header_target(cereal::cereal)
# Asio on Windows: Winsock and the IOCP extensions.
set_property(TARGET Boost::headers APPEND PROPERTY INTERFACE_LINK_LIBRARIES ws2_32 mswsock)
set_property(TARGET Boost::headers APPEND PROPERTY INTERFACE_COMPILE_DEFINITIONS
  _WIN32_WINNT=0x0A00 WIN32_LEAN_AND_MEAN NOMINMAX)
set(Boost_FOUND TRUE)

# pugixml is compiled, not header-only: built here from its Debian source package, which
# scripts/setup windows unpacks into /usr/src/pugixml.
if(NOT EXISTS /usr/src/pugixml/src/pugixml.cpp)
  message(FATAL_ERROR "/usr/src/pugixml/src/pugixml.cpp is missing: scripts/setup windows "
                      "unpacks Debian's pugixml source package there")
endif()
add_library(procpool_pugixml STATIC /usr/src/pugixml/src/pugixml.cpp)
target_include_directories(procpool_pugixml SYSTEM PUBLIC /usr/src/pugixml/src)
add_library(pugixml::pugixml ALIAS procpool_pugixml)
