# Warnings, sanitizers and fuzzing instrumentation, applied to our own targets only
# through the interface library mtasts_compiler_options.
add_library(mtasts_compiler_options INTERFACE)
target_compile_features(mtasts_compiler_options INTERFACE cxx_std_20)
target_compile_options(mtasts_compiler_options INTERFACE
  -Wall -Wextra -Wpedantic -Wswitch -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough)
if(MTASTS_WERROR)
  target_compile_options(mtasts_compiler_options INTERFACE -Werror)
endif()

if(MTASTS_SANITIZE)
  target_compile_options(mtasts_compiler_options INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(mtasts_compiler_options INTERFACE -fsanitize=address,undefined)
endif()

if(MTASTS_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "MTASTS_FUZZ needs clang: configure with -DCMAKE_CXX_COMPILER=clang++-16")
  endif()
  # Coverage instrumentation for all our code; the fuzz executables add the libFuzzer main.
  target_compile_options(mtasts_compiler_options INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(mtasts_compiler_options INTERFACE -fsanitize=address,undefined)
  # Asio does not detect clang's C++20 coroutines with libstdc++ (clang 16 and libstdc++ 12
  # support them): say so, so the fuzzers can link the whole agent library.
  target_compile_definitions(mtasts_compiler_options INTERFACE ASIO_HAS_CO_AWAIT=1
                             ASIO_HAS_STD_COROUTINE=1)
endif()
