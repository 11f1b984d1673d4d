{{/*
Migrations run before the new version's pods start, as a hook Job with the same image: on install before
anything else of the release exists, on upgrade before the Deployment rolls. So the Job takes its settings
inline (the DATABASE_* keys of the effective config and secretEnv), not from the release's ConfigMap, and
runs under the namespace's default ServiceAccount without a token unless migrations.serviceAccountName is
set. The service never migrates at start.
*/}}
{{- define "amtsbote-lib.migrationJob" -}}
{{- if .Values.migrations.enabled -}}
{{- $svc := include "amtsbote-lib.service.name" . -}}
{{- $cfg := include "amtsbote-lib.config" . | fromYaml -}}
{{- $refs := include "amtsbote-lib.secretRefs" . | fromYaml -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "amtsbote-lib.fullname" . }}-migrate
  labels:
    {{- include "amtsbote-lib.labels" . | nindent 4 }}
    app.kubernetes.io/component: migrations
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "0"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: {{ .Values.migrations.backoffLimit }}
  activeDeadlineSeconds: {{ .Values.migrations.activeDeadlineSeconds }}
  ttlSecondsAfterFinished: {{ .Values.migrations.ttlSecondsAfterFinished }}
  template:
    metadata:
      labels:
        {{- include "amtsbote-lib.selectorLabels" . | nindent 8 }}
        app.kubernetes.io/component: migrations
        app.kubernetes.io/part-of: amtsbote
    spec:
      restartPolicy: Never
      {{- with .Values.migrations.serviceAccountName }}
      serviceAccountName: {{ . }}
      {{- end }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      {{- with include "amtsbote-lib.imagePullSecrets" . }}
      {{- . | nindent 6 }}
      {{- end }}
      securityContext:
        {{- include "amtsbote-lib.podSecurityContext" . | nindent 8 }}
      {{- with .Values.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      containers:
        - name: migrate
          image: {{ include "amtsbote-lib.image" . | quote }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          command: ["node", "/app/apps/{{ $svc }}/dist/src/migrate.js"]
          env:
            {{- range $k, $v := $cfg }}
            {{- if or (hasPrefix "DATABASE_" $k) (has $k (list "NODE_ENV" "LOG_LEVEL")) }}
            - name: {{ $k }}
              value: {{ $v | toString | quote }}
            {{- end }}
            {{- end }}
            {{- range $k, $ref := $refs }}
            {{- if hasPrefix "DATABASE_" $k }}
            - name: {{ $k }}
              valueFrom:
                secretKeyRef:
                  name: {{ $ref.name | quote }}
                  key: {{ $ref.key | quote }}
                  {{- if $ref.optional }}
                  optional: true
                  {{- end }}
            {{- end }}
            {{- end }}
          resources:
            {{- toYaml .Values.migrations.resources | nindent 12 }}
          securityContext:
            {{- include "amtsbote-lib.containerSecurityContext" . | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ .Values.tmpVolume.sizeLimit }}
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end -}}
{{- end -}}
