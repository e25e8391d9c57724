# Cross-builds joulebench for aarch64 Linux with Debian's g++-aarch64-linux-gnu against the
# multiarch :arm64 -dev packages (scripts/bootstrap.sh --aarch64 installs both), and runs what it
# builds under qemu-user, so `ctest --preset aarch64` (and gtest discovery) work on an x86 host.
# QEMU_CPU picks the emulated CPU (cortex-a53, neoverse-n1, a64fx, max, max,sve=off, ...).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# Debian multiarch: the :arm64 packages' libraries and CMake configs are under
# /usr/lib/aarch64-linux-gnu, which CMAKE_LIBRARY_ARCHITECTURE makes find_* search first; their
# headers share /usr/include. pkg-config looks at the arm64 .pc files only.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "/")

# The binaries load the multiarch libc6:arm64 (/lib/ld-linux-aarch64.so.1), the same glibc the
# :arm64 -dev packages were built against. Not `-L /usr/aarch64-linux-gnu`: that loader is the
# cross toolchain's own glibc build, and with the multiarch libc it hangs in the first
# pthread_create (measured here: qemu 7.2, glibc 2.36-8cross1 loader beside 2.36-9 libc).
find_program(JOULEBENCH_QEMU_AARCH64 qemu-aarch64 REQUIRED)
set(CMAKE_CROSSCOMPILING_EMULATOR "${JOULEBENCH_QEMU_AARCH64}")
