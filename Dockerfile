# sovereign-auditor for schedulers (Kubernetes CronJob, CI, systemd-nspawn…): a non-root image that
# runs with a read-only root filesystem. The tool writes only to /out (mount a volume: reports, shard
# results, the SQLite run history) and /tmp (mount a tmpfs / emptyDir).
#
#   docker build -t sovereign-auditor .
#   docker run --rm --read-only --tmpfs /tmp -v "$PWD/out:/out" sovereign-auditor demo --out /out/demo
#   docker run --rm --read-only --tmpfs /tmp -v "$PWD/out:/out" -v "$PWD/auditor.yaml:/etc/auditor.yaml:ro" \
#     -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY -e AWS_SESSION_TOKEN \
#     sovereign-auditor scan --config /etc/auditor.yaml --out /out/tonight
#
# See docs/scheduling.md.

# Supply chain (see SECURITY.md, "Container image"):
# - the base image is pinned by digest (refresh: see SECURITY.md);
# - the build tools come from requirements-build.lock and the runtime dependencies from
#   requirements-runtime.lock, every file checked against its sha256 (--require-hashes), wheels only;
# - the project's wheel is installed with --no-deps: nothing is resolved from the index unpinned;
# - the commands are the scripts in .ci/image/, which the test suite also runs in a venv.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm@sha256:2e32f7d302adc1c37428355c1e646897c0c53f4fd60b6a551245fb90ee129f91

# -- build the wheel (policies and report templates are packaged inside it) -------------------------
FROM ${PYTHON_IMAGE} AS build
WORKDIR /src
COPY requirements-build.lock requirements-runtime.lock pyproject.toml README.md ./
COPY .ci/image ./.ci/image
COPY auditor ./auditor
COPY policies ./policies
COPY reports ./reports
RUN PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 sh .ci/image/build-wheel /src /dist \
 && cp requirements-runtime.lock .ci/image/install /dist/

# -- the runtime image -------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="sovereign-auditor" \
      org.opencontainers.image.description="Where health data lives, under which law, and who can reach it: AWS, Azure and Terraform plans" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOME=/tmp \
    XDG_CACHE_HOME=/tmp/.cache \
    TMPDIR=/tmp
COPY --from=build /dist/ /tmp/dist/
# The lock includes the postgres extra (psycopg with its own libpq): a postgresql:// run history needs
# no system package.
RUN set -eux; \
    sh /tmp/dist/install /tmp/dist/requirements-runtime.lock /tmp/dist; \
    rm -rf /tmp/dist /root/.cache; \
    useradd --system --uid 10001 --user-group --home-dir /tmp --no-create-home --shell /usr/sbin/nologin auditor; \
    install -d -o auditor -g auditor -m 0750 /out
USER 10001:10001
WORKDIR /out
VOLUME ["/out"]
ENTRYPOINT ["auditor"]
CMD ["--help"]
