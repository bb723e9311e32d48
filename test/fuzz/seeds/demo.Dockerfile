# TrustLens demo: each reference shows one verdict. Run `npm start` to see them in the editor.
ARG BASE=127.0.0.1:15000/demo/base:3

# A signed multi-arch index, named through an ARG: "Pin to signed digest" edits the ARG default.
FROM ${BASE} AS build
RUN echo building

# Signed and released by alice, but not pinned: hover it, then pin it in one keystroke.
FROM --platform=linux/amd64 127.0.0.1:15000/demo/web:1.0 AS web

# Signed by alice, never released: docker would not trust it.
COPY --from=127.0.0.1:15000/demo/web:1.1-rc /srv /srv

# Pushed but never signed: "Switch to signed tag…" offers the released tags.
FROM 127.0.0.1:15000/demo/web:2.0

# Pinned to a digest that is not the signed one.
FROM 127.0.0.1:15000/demo/web:1.0@sha256:1111111111111111111111111111111111111111111111111111111111111111

# A repository with no trust data at all.
COPY --from=127.0.0.1:15000/demo/tools:1.0 /bin/tool /usr/local/bin/tool
