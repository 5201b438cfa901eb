# One interface target carries the project's warning set; CI builds with ECOTOWN_WERROR=ON.
add_library(ecotown_warnings INTERFACE)
target_compile_options(ecotown_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wunused -Woverloaded-virtual -Wimplicit-fallthrough -Wformat=2)
if(ECOTOWN_WERROR)
  target_compile_options(ecotown_warnings INTERFACE -Werror)
endif()
