{{/* Names, labels and checks shared by the templates. */}}

{{/* The chart name, or nameOverride. */}}
{{- define "aion.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* RELEASE-aion, or RELEASE alone when it already contains the chart name; 63 chars max.
     Kept to 52 chars when a StatefulSet needs room for its pods' "-N" and revision hashes. */}}
{{- define "aion.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The headless Service that gives every node a stable DNS name for node-to-node calls. */}}
{{- define "aion.headlessName" -}}
{{- printf "%s-nodes" (include "aion.fullname" .) }}
{{- end }}

{{- define "aion.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "aion.selectorLabels" -}}
app.kubernetes.io/name: {{ include "aion.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "aion.labels" -}}
helm.sh/chart: {{ include "aion.chart" . }}
{{ include "aion.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: aion
{{- end }}

{{- define "aion.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "aion.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "aion.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion | toString) }}
{{- end }}

{{/* "true" when the nodes use PostgreSQL (a cluster), "" for the embedded SQLite store. */}}
{{- define "aion.postgresql" -}}
{{- if or .Values.store.postgresql.url .Values.store.postgresql.existingSecret }}true{{ end }}
{{- end }}

{{/* The Secret and key holding the PostgreSQL URL. */}}
{{- define "aion.storeSecretName" -}}
{{- .Values.store.postgresql.existingSecret | default (printf "%s-store" (include "aion.fullname" .)) }}
{{- end }}
{{- define "aion.storeSecretKey" -}}
{{- if .Values.store.postgresql.existingSecret }}{{ .Values.store.postgresql.existingSecretKey }}{{ else }}url{{ end }}
{{- end }}

{{/* The Secret the chart creates for generated or given tokens. */}}
{{- define "aion.tokensSecretName" -}}
{{- printf "%s-tokens" (include "aion.fullname" .) }}
{{- end }}

{{/* Whether the chart's tokens Secret is needed, and which keys it holds. */}}
{{- define "aion.ownsAuthToken" -}}
{{- if and .Values.auth.enabled (not .Values.auth.existingSecret) }}true{{ end }}
{{- end }}
{{- define "aion.ownsClusterToken" -}}
{{- if and (include "aion.postgresql" .) (not .Values.cluster.existingSecret) }}true{{ end }}
{{- end }}

{{/* The data directory: the SQLite store lives there; with PostgreSQL only scratch files. */}}
{{- define "aion.dataDir" -}}/var/lib/aion{{- end }}

{{/* Refuses values that cannot work, with a message saying what to change. */}}
{{- define "aion.validate" -}}
{{- $replicas := int .Values.replicaCount }}
{{- if lt $replicas 1 }}
{{- fail "replicaCount must be at least 1" }}
{{- end }}
{{- if and (gt $replicas 1) (not (include "aion.postgresql" .)) }}
{{- fail (printf "replicaCount %d needs PostgreSQL: set store.postgresql.url or store.postgresql.existingSecret (the embedded SQLite store serves a single node)" $replicas) }}
{{- end }}
{{- if and .Values.store.postgresql.url .Values.store.postgresql.existingSecret }}
{{- fail "set store.postgresql.url or store.postgresql.existingSecret, not both" }}
{{- end }}
{{- with .Values.store.postgresql.url }}
{{- if not (or (hasPrefix "postgresql://" .) (hasPrefix "postgres://" .)) }}
{{- fail "store.postgresql.url must be a postgresql:// URL" }}
{{- end }}
{{- end }}
{{- if not (has .Values.podAntiAffinity (list "soft" "hard" "none")) }}
{{- fail "podAntiAffinity must be soft, hard or none" }}
{{- end }}
{{- if eq (int .Values.ports.api) (int .Values.ports.metrics) }}
{{- fail "ports.api and ports.metrics must differ" }}
{{- end }}
{{- end }}

{{/* A TOML value: strings quoted (JSON escapes are TOML escapes), whole numbers without a
     fraction (values.yaml numbers arrive as floats), lists inline. */}}
{{- define "aion.tomlValue" -}}
{{- if kindIs "string" . }}{{ toJson . }}
{{- else if kindIs "bool" . }}{{ . }}
{{- else if or (kindIs "float64" .) (kindIs "int" .) (kindIs "int64" .) }}
{{- if eq (float64 .) (floor .) }}{{ int64 . }}{{ else }}{{ . }}{{ end }}
{{- else if kindIs "slice" . }}[{{ range $i, $v := . }}{{ if $i }}, {{ end }}{{ include "aion.tomlValue" $v }}{{ end }}]
{{- else if kindIs "invalid" . }}{{ fail "config: null values have no TOML form" }}
{{- else }}{{ fail (printf "config: %v cannot be written as TOML" .) }}
{{- end }}
{{- end }}

{{/* A TOML key: bare when it can be, quoted otherwise. */}}
{{- define "aion.tomlKey" -}}
{{- if regexMatch "^[A-Za-z0-9_-]+$" . }}{{ . }}{{ else }}{{ toJson . }}{{ end }}
{{- end }}

{{/* A TOML table: {prefix: "a.b", table: map}. Scalars first, then sub-tables. */}}
{{- define "aion.tomlTable" -}}
{{- $prefix := .prefix }}
{{- range $key, $value := .table }}
{{- if not (kindIs "map" $value) }}
{{ include "aion.tomlKey" $key }} = {{ include "aion.tomlValue" $value }}
{{- end }}
{{- end }}
{{- range $key, $value := .table }}
{{- if kindIs "map" $value }}
{{- $name := include "aion.tomlKey" $key }}
{{- if $prefix }}{{ $name = printf "%s.%s" $prefix $name }}{{ end }}

[{{ $name }}]
{{- include "aion.tomlTable" (dict "prefix" $name "table" $value) }}
{{- end }}
{{- end }}
{{- end }}
