# Shared by the scripts in scripts/: installs what a fresh Debian 12 machine lacks.
# shellcheck shell=bash

# Debian packages the build and the tests need.
SCENECAST_APT_PACKAGES=(
    pkg-config        # SwiftPM finds the C libraries through it
    libpq-dev         # libpq: the ledger's PostgreSQL client
    libzstd-dev       # zstd: snapshot compression
    zlib1g-dev        # zlib: PNG output
    libegl-dev        # EGL and GLES 3 headers for the headless renderer
    libgles-dev
    libegl-mesa0      # Mesa's EGL, surfaceless platform
    libgl1-mesa-dri   # llvmpipe, the CPU rasterizer
    postgresql        # server binaries (initdb, pg_ctl, postgres) for the embedded server
    util-linux        # runuser: runs PostgreSQL unprivileged when we are root
    libgstreamer1.0-dev                 # GStreamer core, app and WebRTC headers for the streamer
    libgstreamer-plugins-base1.0-dev
    libgstreamer-plugins-bad1.0-dev     # webrtcbin's gstreamer-webrtc-1.0 and gstreamer-sdp-1.0
    gstreamer1.0-plugins-base           # appsrc, videoconvert
    gstreamer1.0-plugins-good           # rtph264pay, rtpvp8pay, vp8enc, mp4mux, matroskamux, splitmuxsink
    gstreamer1.0-plugins-bad            # webrtcbin, rtpgccbwe, sctp data channels
    gstreamer1.0-plugins-ugly           # x264enc
    gstreamer1.0-nice                   # libnice ICE for webrtcbin
    gstreamer1.0-libav                  # avdec_h264 for the test receivers
    chromium                            # the real browser in end-to-end tests
    chromium-driver
    python3-selenium                    # drives chromium in the browser tests
)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "error: '$*' needs root; run this script as root or install sudo." >&2
        exit 1
    fi
}

install_dependencies() {
    local missing=()
    for p in "${SCENECAST_APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "==> installing Debian packages: ${missing[*]}"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
    if ! command -v swift >/dev/null; then
        if [ -x /opt/swift/usr/bin/swift ]; then
            export PATH="/opt/swift/usr/bin:$PATH"
        else
            echo "error: the Swift toolchain (6.2 or newer) is not installed; get it from swift.org and put 'swift' on PATH." >&2
            exit 1
        fi
    fi
}
