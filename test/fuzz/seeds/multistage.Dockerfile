# syntax=docker/dockerfile:1.7
ARG GO_VERSION=1.22
ARG BASE=alpine:3.19
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
WORKDIR /src
RUN --mount=type=cache,target=/root/.cache \
    --mount=type=bind,from=ghcr.io/acme/tools:2.1,source=/bin/tool,target=/tool \
    go build -o /out/app .

FROM build AS test
RUN --mount=type=bind,from=build,source=/out,target=/out true

FROM ${BASE}
COPY --from=build /out/app /app
COPY --from=0 /out/app /app2
COPY --from=nginx:1.25 /etc/nginx/nginx.conf /etc/nginx/
