{{- define "amtsbote-lib.probe" -}}
{{- $probe := index . 0 -}}
{{- $path := index . 1 -}}
httpGet:
  path: {{ $path }}
  port: http
{{ toYaml $probe }}
{{- end -}}

{{- define "amtsbote-lib.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- range $name, $vol := (include "amtsbote-lib.mountedVolumes" . | fromYaml) }}
- name: {{ $name }}
  mountPath: {{ $vol.mountPath }}
  readOnly: {{ $vol.readOnly | default false }}
{{- end }}
{{- end -}}

{{- define "amtsbote-lib.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpVolume.sizeLimit }}
{{- range $name, $vol := (include "amtsbote-lib.mountedVolumes" . | fromYaml) }}
- name: {{ $name }}
  {{- toYaml $vol.source | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "amtsbote-lib.deployment" -}}
{{- $fullname := include "amtsbote-lib.fullname" . -}}
{{- $svc := include "amtsbote-lib.service.name" . -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "amtsbote-lib.labels" . | nindent 4 }}
    app.kubernetes.io/component: server
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  revisionHistoryLimit: {{ .Values.revisionHistoryLimit }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: {{ .Values.rollingUpdate.maxSurge }}
      maxUnavailable: {{ .Values.rollingUpdate.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "amtsbote-lib.selectorLabels" . | nindent 6 }}
      app.kubernetes.io/component: server
  template:
    metadata:
      labels:
        {{- include "amtsbote-lib.labels" . | nindent 8 }}
        app.kubernetes.io/component: server
        {{- with .Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        checksum/config: {{ include "amtsbote-lib.config" . | sha256sum }}
        {{- with .Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "amtsbote-lib.serviceAccountName" . }}
      automountServiceAccountToken: {{ .Values.serviceAccount.automountToken }}
      enableServiceLinks: false
      {{- with include "amtsbote-lib.imagePullSecrets" . }}
      {{- . | nindent 6 }}
      {{- end }}
      securityContext:
        {{- include "amtsbote-lib.podSecurityContext" . | nindent 8 }}
      terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
      {{- with .Values.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      containers:
        - name: {{ $svc }}
          image: {{ include "amtsbote-lib.image" . | quote }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          command: ["node", "/app/apps/{{ $svc }}/dist/src/main.js"]
          ports:
            - name: http
              containerPort: {{ .Values.containerPort }}
              protocol: TCP
          envFrom:
            - configMapRef:
                name: {{ $fullname }}
          {{- $secretEnv := include "amtsbote-lib.secretEnv" . }}
          {{- if or $secretEnv .Values.extraEnv }}
          env:
            {{- with $secretEnv }}
            {{- . | trim | nindent 12 }}
            {{- end }}
            {{- with .Values.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- end }}
          startupProbe:
            {{- include "amtsbote-lib.probe" (list .Values.probes.startup "/health/live") | nindent 12 }}
          livenessProbe:
            {{- include "amtsbote-lib.probe" (list .Values.probes.liveness "/health/live") | nindent 12 }}
          readinessProbe:
            {{- include "amtsbote-lib.probe" (list .Values.probes.readiness "/health/ready") | nindent 12 }}
          {{- if gt (int .Values.preStopSleepSeconds) 0 }}
          lifecycle:
            preStop:
              exec:
                command: ["sleep", "{{ .Values.preStopSleepSeconds }}"]
          {{- end }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
          securityContext:
            {{- include "amtsbote-lib.containerSecurityContext" . | nindent 12 }}
          volumeMounts:
            {{- include "amtsbote-lib.volumeMounts" . | nindent 12 }}
      volumes:
        {{- include "amtsbote-lib.volumes" . | nindent 8 }}
      topologySpreadConstraints:
        {{- if .Values.topologySpreadConstraints }}
        {{- toYaml .Values.topologySpreadConstraints | nindent 8 }}
        {{- else }}
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "amtsbote-lib.selectorLabels" . | nindent 14 }}
              app.kubernetes.io/component: server
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "amtsbote-lib.selectorLabels" . | nindent 14 }}
              app.kubernetes.io/component: server
        {{- end }}
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end -}}
