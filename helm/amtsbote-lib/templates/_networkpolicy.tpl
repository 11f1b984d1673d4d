{{/*
An egress rule from {to: [peers], ports: [ports]}; renders nothing when there are no peers, so an empty
setting allows nothing (default deny) instead of everything.
*/}}
{{- define "amtsbote-lib.egressRule" -}}
{{- if and . .to -}}
- to:
    {{- toYaml .to | nindent 4 }}
  {{- with .ports }}
  ports:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
{{- end -}}

{{/* Pods of another Amtsbote service (by chart name) in the same namespace. */}}
{{- define "amtsbote-lib.peerService" -}}
app.kubernetes.io/name: {{ . }}
app.kubernetes.io/part-of: amtsbote
app.kubernetes.io/component: server
{{- end -}}

{{/*
Default deny for the service's pods: only the ingress controller and Prometheus may connect (to the http
port), and the pods may reach only DNS, Kafka, PostgreSQL, the IdP and, where configured, outside hosts.
*/}}
{{- define "amtsbote-lib.networkPolicy" -}}
{{- if .Values.networkPolicy.enabled -}}
{{- $g := (.Values.global | default dict).networkPolicy | default dict -}}
{{- $from := concat ($g.ingressController | default list) ($g.prometheus | default list) -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "amtsbote-lib.fullname" . }}
  labels:
    {{- include "amtsbote-lib.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "amtsbote-lib.selectorLabels" . | nindent 6 }}
      app.kubernetes.io/component: server
  policyTypes:
    - Ingress
    - Egress
  {{- $np := .Values.networkPolicy -}}
  {{- if or $from $np.fromServices $np.extraIngress }}
  ingress:
    {{- if $from }}
    - from:
        {{- toYaml $from | nindent 8 }}
      ports:
        - port: http
          protocol: TCP
    {{- end }}
    {{- if $np.fromServices }}
    - from:
        {{- range $np.fromServices }}
        - podSelector:
            matchLabels:
              {{- include "amtsbote-lib.peerService" . | nindent 14 }}
        {{- end }}
      ports:
        - port: http
          protocol: TCP
    {{- end }}
    {{- with .Values.networkPolicy.extraIngress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- else }}
  ingress: []
  {{- end }}
  {{- $egress := concat (list $g.dns $g.kafka $g.postgres $g.idp) ($np.outside | default list) -}}
  {{- $rendered := "" -}}
  {{- range $egress }}{{ $rendered = print $rendered (include "amtsbote-lib.egressRule" . | nindent 4) }}{{ end -}}
  {{- if or (trim $rendered) $np.toServices $np.extraEgress }}
  egress:
    {{- $rendered }}
    {{- if $np.toServices }}
    - to:
        {{- range $np.toServices }}
        - podSelector:
            matchLabels:
              {{- include "amtsbote-lib.peerService" . | nindent 14 }}
        {{- end }}
      ports:
        - port: http
          protocol: TCP
    {{- end }}
    {{- with .Values.networkPolicy.extraEgress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- else }}
  egress: []
  {{- end }}
{{- end -}}
{{- end -}}

{{/* The migration Job's pods: DNS and PostgreSQL only, no ingress. A hook, so it exists before the Job. */}}
{{- define "amtsbote-lib.migrationNetpol" -}}
{{- if and .Values.migrations.enabled .Values.networkPolicy.enabled -}}
{{- $g := (.Values.global | default dict).networkPolicy | default dict -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "amtsbote-lib.fullname" . }}-migrate
  labels:
    {{- include "amtsbote-lib.labels" . | nindent 4 }}
    app.kubernetes.io/component: migrations
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "-10"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  podSelector:
    matchLabels:
      {{- include "amtsbote-lib.selectorLabels" . | nindent 6 }}
      app.kubernetes.io/component: migrations
  policyTypes:
    - Ingress
    - Egress
  ingress: []
  {{- $rendered := "" -}}
  {{- range (list $g.dns $g.postgres) }}{{ $rendered = print $rendered (include "amtsbote-lib.egressRule" . | nindent 4) }}{{ end -}}
  {{- if trim $rendered }}
  egress:
    {{- $rendered }}
  {{- else }}
  egress: []
  {{- end }}
{{- end -}}
{{- end -}}
