{{/*
Names and labels. The service is the including chart: .Chart.Name is intake, accounts, payment or routing,
and it also names the code in the image (/app/apps/<service>/dist/src/...).
*/}}

{{- define "amtsbote-lib.service.name" -}}
{{- .Chart.Name -}}
{{- end -}}

{{- define "amtsbote-lib.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "amtsbote-lib.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "amtsbote-lib.selectorLabels" -}}
app.kubernetes.io/name: {{ include "amtsbote-lib.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "amtsbote-lib.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "amtsbote-lib.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: amtsbote
{{- end -}}

{{- define "amtsbote-lib.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "amtsbote-lib.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "amtsbote-lib.image" -}}
{{- $g := .Values.global | default dict -}}
{{- $registry := .Values.image.registry | default $g.imageRegistry -}}
{{- $tag := .Values.image.tag | default $g.imageTag | default .Chart.AppVersion -}}
{{- $repo := ternary (printf "%s/%s" $registry .Values.image.repository) .Values.image.repository (ne (toString $registry) "") -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $repo .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (toString $tag) -}}
{{- end -}}
{{- end -}}

{{- define "amtsbote-lib.imagePullSecrets" -}}
{{- $g := .Values.global | default dict -}}
{{- $secrets := concat ($g.imagePullSecrets | default list) (.Values.imagePullSecrets | default list) | uniq -}}
{{- if $secrets -}}
imagePullSecrets:
{{- range $secrets }}
  - name: {{ . }}
{{- end }}
{{- end -}}
{{- end -}}

{{/* An env value as a string: integers stay integers (YAML numbers arrive as float64). */}}
{{- define "amtsbote-lib.str" -}}
{{- if kindIs "float64" . -}}
{{- if eq (float64 (int64 .)) . -}}{{ int64 . }}{{- else -}}{{ . }}{{- end -}}
{{- else if kindIs "invalid" . -}}
{{- else -}}
{{- . -}}
{{- end -}}
{{- end -}}

{{/*
The effective non-secret settings as YAML: global.config, overridden by config, then what the chart owns
(PORT from containerPort; the env of each volume that names one, e.g. XOEV_SCHEMA_DIR). A key set to null
is dropped.
*/}}
{{- define "amtsbote-lib.config" -}}
{{- $cfg := dict -}}
{{- $g := .Values.global | default dict -}}
{{- range $k, $v := ($g.config | default dict) -}}
{{- if not (kindIs "invalid" $v) }}{{ $_ := set $cfg $k (include "amtsbote-lib.str" $v) }}{{ end -}}
{{- end -}}
{{- range $k, $v := (.Values.config | default dict) -}}
{{- if kindIs "invalid" $v }}{{ $_ := unset $cfg $k }}{{ else }}{{ $_ := set $cfg $k (include "amtsbote-lib.str" $v) }}{{ end -}}
{{- end -}}
{{- $_ := set $cfg "PORT" (toString .Values.containerPort) -}}
{{- range $name, $vol := (include "amtsbote-lib.mountedVolumes" . | fromYaml) -}}
{{- if $vol.env }}{{ $_ := set $cfg $vol.env $vol.mountPath }}{{ end -}}
{{- end -}}
{{- if eq (include "amtsbote-lib.fileStoreKind" .) "s3" -}}
{{- $s3 := .Values.fileStore.s3 -}}
{{- $_ := set $cfg "FILE_STORE" "s3" -}}
{{- $_ := set $cfg "FILE_STORE_S3_BUCKET" $s3.bucket -}}
{{- $_ := set $cfg "FILE_STORE_S3_REGION" ($s3.region | default "us-east-1") -}}
{{- if $s3.endpoint }}{{ $_ := set $cfg "FILE_STORE_S3_ENDPOINT" $s3.endpoint }}{{ end -}}
{{- if $s3.prefix }}{{ $_ := set $cfg "FILE_STORE_S3_PREFIX" $s3.prefix }}{{ end -}}
{{- $_ := set $cfg "FILE_STORE_S3_FORCE_PATH_STYLE" (include "amtsbote-lib.str" (ternary true $s3.forcePathStyle (kindIs "invalid" $s3.forcePathStyle))) -}}
{{- $_ := set $cfg "FILE_STORE_PRESIGNED_URLS" (include "amtsbote-lib.str" (ternary true $s3.presignedUrls (kindIs "invalid" $s3.presignedUrls))) -}}
{{- end -}}
{{- toYaml $cfg -}}
{{- end -}}

{{/* The file store of the service: `s3`, or `filesystem` (the default, also for services without one). */}}
{{- define "amtsbote-lib.fileStoreKind" -}}
{{- (.Values.fileStore | default dict).kind | default "filesystem" -}}
{{- end -}}

{{/*
The volumes the pod mounts, as YAML: `volumes` without entries set to null, and without `storage` (the
filesystem file store's volume) when the file store is S3 — no ReadWriteMany claim is needed then.
*/}}
{{- define "amtsbote-lib.mountedVolumes" -}}
{{- $s3 := eq (include "amtsbote-lib.fileStoreKind" .) "s3" -}}
{{- $out := dict -}}
{{- range $name, $vol := (.Values.volumes | default dict) -}}
{{- if and $vol (not (and $s3 (eq $name "storage"))) }}{{ $_ := set $out $name $vol }}{{ end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/*
Secret references as YAML: env name -> {name, key, optional}. global.secretEnv, overridden by secretEnv; an
entry set to null is dropped. The Secret name defaults to existingSecret, then global.existingSecret, then
the release's fullname; the key defaults to the env name.
*/}}
{{- define "amtsbote-lib.secretRefs" -}}
{{- $g := .Values.global | default dict -}}
{{- $default := .Values.existingSecret | default $g.existingSecret | default (include "amtsbote-lib.fullname" .) -}}
{{- $merged := dict -}}
{{- range $k, $v := ($g.secretEnv | default dict) }}{{ $_ := set $merged $k $v }}{{ end -}}
{{- range $k, $v := (.Values.secretEnv | default dict) }}{{ $_ := set $merged $k $v }}{{ end -}}
{{- if eq (include "amtsbote-lib.fileStoreKind" .) "s3" -}}
{{- $creds := .Values.fileStore.s3.credentialsSecret | default dict -}}
{{- if $creds.name -}}
{{- $_ := set $merged "FILE_STORE_S3_ACCESS_KEY_ID" (dict "name" $creds.name "key" ($creds.accessKeyIdKey | default "FILE_STORE_S3_ACCESS_KEY_ID")) -}}
{{- $_ := set $merged "FILE_STORE_S3_SECRET_ACCESS_KEY" (dict "name" $creds.name "key" ($creds.secretAccessKeyKey | default "FILE_STORE_S3_SECRET_ACCESS_KEY")) -}}
{{- end -}}
{{- end -}}
{{- $refs := dict -}}
{{- range $k, $v := $merged -}}
{{- if $v -}}
{{- $_ := set $refs $k (dict "name" ($v.name | default $default) "key" ($v.key | default $k) "optional" ($v.optional | default false)) -}}
{{- end -}}
{{- end -}}
{{- toYaml $refs -}}
{{- end -}}

{{- define "amtsbote-lib.secretEnv" -}}
{{- $refs := include "amtsbote-lib.secretRefs" . | fromYaml -}}
{{- range $k, $ref := $refs }}
- name: {{ $k }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.name | quote }}
      key: {{ $ref.key | quote }}
      {{- if $ref.optional }}
      optional: true
      {{- end }}
{{- end }}
{{- end -}}

{{/* Partitions of the consumed topics: KAFKA_TOPIC_PARTITIONS of the effective config (the app's default is 3). */}}
{{- define "amtsbote-lib.partitions" -}}
{{- $cfg := include "amtsbote-lib.config" . | fromYaml -}}
{{- $cfg.KAFKA_TOPIC_PARTITIONS | default "3" | int -}}
{{- end -}}

{{/* The hardened security contexts; not configurable apart from the ids. */}}
{{- define "amtsbote-lib.podSecurityContext" -}}
runAsNonRoot: true
{{- with .Values.podSecurityContext.runAsUser }}
runAsUser: {{ . }}
{{- end }}
{{- with .Values.podSecurityContext.runAsGroup }}
runAsGroup: {{ . }}
{{- end }}
{{- with .Values.podSecurityContext.fsGroup }}
fsGroup: {{ . }}
{{- end }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "amtsbote-lib.containerSecurityContext" -}}
runAsNonRoot: true
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: true
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}
