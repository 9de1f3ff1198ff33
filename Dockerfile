# The image of the probe Job that `xirsa render --only probe-job` writes (image xirsa:0.1.0): the xirsa CLI,
# installed from the tarball `npm pack` makes, as its entrypoint. Build it from a checkout:
#
#   npm ci && npm pack            # builds dist/ and writes xirsa-0.1.0.tgz
#   docker build -t xirsa:0.1.0 .
#
# then push it where cluster A pulls from and pass that name to `render --only probe-job --image …`.
# (This repository's CI has no container runtime: the image is not built or tested here.)
# The slim image has no C compiler, so the package's install script skips its native addon (one line says so);
# the Job never runs `render --out`, the one command that uses it.
FROM node:20-bookworm-slim
ARG TARBALL=xirsa-0.1.0.tgz
COPY ${TARBALL} /tmp/xirsa.tgz
RUN npm install --global --omit=dev --no-audit --no-fund /tmp/xirsa.tgz \
  && rm /tmp/xirsa.tgz \
  && npm cache clean --force
ENV AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true NO_COLOR=1
# Numeric, so that the Job's runAsNonRoot can be checked by the kubelet (the image's "node" user).
USER 1000:1000
ENTRYPOINT ["xirsa"]
CMD ["--help"]
