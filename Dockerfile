# xbridge in a distroless image. The binary is built outside Docker (Bun cross-compiles):
#   make dist                                   # dist/xbridge-linux-x64, dist/xbridge-linux-arm64, ...
#   docker build -t xbridge .                   # amd64
#   docker build --build-arg ARCH=arm64 -t xbridge:arm64 .
# Run with your own config (listen on 0.0.0.0 inside the container; set server.rtp_address to
# the host's address so SDP advertises something the caller can reach):
#   docker run --rm -p 8080:8080 -p 5080:5080/udp -p 10000-10100:10000-10100/udp \
#     -v $PWD/config.toml:/etc/xbridge/config.toml:ro xbridge
# The Bun runtime inside the binary links against glibc, hence the distroless "cc" base.
FROM gcr.io/distroless/cc-debian12:nonroot
ARG ARCH=x64
COPY dist/xbridge-linux-${ARCH} /usr/local/bin/xbridge
COPY config.example.toml /etc/xbridge/config.toml
EXPOSE 8080/tcp 5080/udp
USER nonroot
ENTRYPOINT ["/usr/local/bin/xbridge"]
CMD ["--config", "/etc/xbridge/config.toml"]
