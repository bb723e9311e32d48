#!/usr/bin/env buildctl-daemonless.sh
# syntax=docker/dockerfile:1.7
# check=skip=JSONArgsRecommended
ARG VERSION=v3.19.1
ARG NODE=20-bookworm-slim
ARG REPO=library_alpine
ARG FLAVOR
ARG BASE="alpine:3.19" EXTRA
FROM alpine:${VERSION#v} AS base
FROM node:${NODE%%-*} AS node
FROM ${REPO//_//}:3 AS repo
FROM python:3.12${FLAVOR:+-}${FLAVOR} AS py
FROM --platform=$BUILDPLATFORM golang:1.22 AS build
COPY --link --from=nginx:1.27 --chown=1:1 /a /b
COPY --from=base /x /y
RUN --mount=type=cache,target=/root/.cache \
    --mount=type=bind,"from=ghcr.io/acme/tools:2.1",source=/t,target=/t \
    go build ./...
RUN <<eo'f' bash
echo hello
eof
COPY <<-"EOF" /etc/conf
	FROM not/an:image
	EOF
ONBUILD COPY --from=onbuild/image:1 /a /b
FROM ${BASE}
