{{/* Everything a service chart renders. A service chart's templates/all.yaml is: include "amtsbote-lib.all" . */}}
{{- define "amtsbote-lib.all" -}}
{{- include "amtsbote-lib.validate" . -}}
{{- range $t := list "serviceAccount" "configMap" "service" "deployment" "hpa" "pdb" "networkPolicy" "ingress" "serviceMonitor" "migrationNetpol" "migrationJob" }}
{{- $out := include (printf "amtsbote-lib.%s" $t) $ }}
{{- if trim $out }}
---
{{ $out }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "amtsbote-lib.notes" -}}
{{- $fullname := include "amtsbote-lib.fullname" . -}}
Amtsbote {{ include "amtsbote-lib.service.name" . }} {{ .Chart.AppVersion }} is installed as {{ $fullname }} in {{ .Release.Namespace }}.

  Pods:      kubectl -n {{ .Release.Namespace }} get pods -l app.kubernetes.io/instance={{ .Release.Name }},app.kubernetes.io/name={{ include "amtsbote-lib.name" . }}
  Settings:  kubectl -n {{ .Release.Namespace }} get configmap {{ $fullname }} -o yaml
  Probes:    /health/live (process), /health/ready (PostgreSQL and Kafka); metrics at /metrics
{{- if .Values.migrations.enabled }}
  Migrations ran as the hook Job {{ $fullname }}-migrate (deleted when it succeeded).
{{- end }}
{{- $refs := include "amtsbote-lib.secretRefs" . | fromYaml }}
{{- if $refs }}

The pods read these Secrets, which you provide (the chart never creates them):
{{- range $k, $ref := $refs }}
  {{ $k }} <- secret {{ $ref.name }}, key {{ $ref.key }}{{ if $ref.optional }} (optional){{ end }}
{{- end }}
{{- end }}
{{- if eq ((include "amtsbote-lib.config" . | fromYaml).KAFKA_PROVISION_TOPICS | default "true") "false" }}

KAFKA_PROVISION_TOPICS=false: the Kafka topics must exist before the service consumes (see docs/deploy.md).
{{- end }}
{{- end -}}
