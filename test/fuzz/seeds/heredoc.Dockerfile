FROM alpine:3.19
# FROM commented/out:1
RUN <<SCRIPT
FROM not/an/image:1
echo "FROM also/not:2"
SCRIPT
COPY <<CONF /etc/app.conf
FROM still/not:3
CONF
run --mount=from=busybox:1.36 true
copy --from=nginx:1.25 /a /b
