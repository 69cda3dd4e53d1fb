# proxmox-mcp: MCP server for Proxmox VE, served over Streamable HTTP.
#
#   docker build -t proxmox-mcp .
#   docker run --rm -p 8080:8080 --read-only \
#     -v "$PWD/config:/config:ro" -e PROXMOX_MCP_HTTP_TOKEN="$(openssl rand -hex 32)" \
#     proxmox-mcp
#
# See docs/docker.md. Multi-arch: docker buildx build --platform linux/amd64,linux/arm64 .

ARG DENO_VERSION=2.9.6

# ---- build: one self-contained binary (deno compile, same flags as `deno task compile`) ----
# `tools` loads the commands and the tool layer, which the binary imports on first use.
FROM denoland/deno:${DENO_VERSION} AS build
WORKDIR /src
COPY deno.json deno.lock ./
COPY src ./src
COPY scripts/compile.ts ./scripts/compile.ts
RUN deno task compile \
 && mkdir -p /out \
 && cp dist/proxmox-mcp /out/proxmox-mcp \
 && /out/proxmox-mcp --version \
 && /out/proxmox-mcp tools > /dev/null

# ---- runtime: glibc + CA certificates, no shell, no package manager, non-root ----
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/proxmox-mcp /app/proxmox-mcp

# Configuration and master key are mounted read-only at /config:
#   /config/config.json  (plain or encrypted with `proxmox-mcp encrypt-config`)
#   /config/master.key   (only needed when the configuration holds enc: values)
# Nothing is written to the image's filesystem, so --read-only works as is; point
# logging.file / audit.file at a mounted writable volume if you want them on disk.
ENV PROXMOX_MCP_CONFIG=/config/config.json \
    NO_COLOR=1
USER nonroot:nonroot
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["/app/proxmox-mcp", "healthcheck", "http://127.0.0.1:8080/healthz"]

ENTRYPOINT ["/app/proxmox-mcp"]
# A non-loopback address needs a bearer token (http.tokens or PROXMOX_MCP_HTTP_TOKEN):
# without one the server refuses to start (exit code 3).
CMD ["serve", "--http", "0.0.0.0:8080", "--key-file", "/config/master.key"]
