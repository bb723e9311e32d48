from alpine
FROM alpine:3.19 as lower
FROM --platform=linux/arm64 registry.example.com:5000/team/app:1.0 AS Pinned
FROM alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
FROM alpine:3.19@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
FROM localhost/app:dev
FROM index.docker.io/library/busybox:1.36
FROM "quoted/image:1"
FROM scratch
FROM pinned
FROM Alpine:3
FROM alpine:3.19@sha256:abc
FROM alpine::3
FROM \
    debian:12
