# `cmake --install build/native --prefix P`: what a C user of mc_core needs, and nothing of
# the server. P/lib/libmc_core.a, P/include/mediacore/*.h (the public headers; none of
# them includes a third-party header) and P/lib/pkgconfig/mediacore.pc, so that
#   cc app.c $(pkg-config --cflags --libs --static mediacore)
# builds against it. mc_core is static, so its dependencies go into Requires.private /
# Libs.private (libyuv and libm have no pkg-config file on Debian).
include(GNUInstallDirs)
install(TARGETS mc_core ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}")
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/mediacore"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" FILES_MATCHING PATTERN "*.h")
configure_file("${PROJECT_SOURCE_DIR}/cmake/mediacore.pc.in"
               "${CMAKE_BINARY_DIR}/mediacore.pc" @ONLY)
install(FILES "${CMAKE_BINARY_DIR}/mediacore.pc"
        DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
