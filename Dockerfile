# The aion image: aion-node (and the aion CLI) on Debian 12. The Helm chart (helm/aion) runs it.
#
#   docker build -t REGISTRY/aion:VERSION .
#   docker run --rm -p 7233:7233 -p 9464:9464 -v aion-data:/var/lib/aion REGISTRY/aion:VERSION
#
# Build stage: exactly the packages of scripts/setup.sh (it runs the script itself, so the two
# cannot drift apart) and the README's build. Runtime stage: the binaries, the Debian packages
# of the shared libraries they load (found by docker/runtime-packages.sh), and Erlang, whose
# erlc compiles deployed .erl sources and whose standard library workflows load.
# test/deploy/dockerfile-test.sh checks this file in the test suite (Docker is not needed).

FROM debian:12 AS build
ARG DEBIAN_FRONTEND=noninteractive
WORKDIR /src
COPY scripts/setup.sh scripts/setup.sh
RUN ./scripts/setup.sh && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DAION_BUILD_TESTS=OFF \
 && cmake --build build -j"$(nproc)" \
 && test -x build/bin/aion-node
RUN mkdir -p /out/bin \
 && find build/bin -maxdepth 1 -type f -perm -u+x -exec cp {} /out/bin/ \; \
 && docker/runtime-packages.sh /out/bin/* > /out/runtime-packages \
 && cat /out/runtime-packages

FROM debian:12-slim
ARG DEBIAN_FRONTEND=noninteractive
COPY --from=build /out/runtime-packages /tmp/runtime-packages
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends \
      $(cat /tmp/runtime-packages) erlang-base tini ca-certificates \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages
# An unprivileged user with a fixed id (the chart's podSecurityContext uses 10001).
RUN groupadd --system --gid 10001 aion \
 && useradd --system --uid 10001 --gid aion --home-dir /var/lib/aion --shell /usr/sbin/nologin aion \
 && install -d -o aion -g aion -m 0750 /var/lib/aion \
 && install -d -m 0755 /etc/aion
COPY --from=build /out/bin/ /usr/local/bin/
USER 10001:10001
WORKDIR /var/lib/aion
# Defaults for a container (the lowest precedence: a config file or flags override them).
ENV AION_DATA_DIR=/var/lib/aion \
    AION_LISTEN=0.0.0.0:7233 \
    AION_METRICS_LISTEN=0.0.0.0:9464
# 7233: client, worker and node-to-node API (Cap'n Proto); 9464: /metrics and /health/*.
EXPOSE 7233 9464
VOLUME ["/var/lib/aion"]
# tini reaps the erlc processes the node starts and forwards SIGTERM for a graceful shutdown.
ENTRYPOINT ["/usr/bin/tini", "--", "aion-node"]
