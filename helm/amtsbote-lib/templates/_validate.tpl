{{/*
Checks that need more than one value (values.schema.json checks each value on its own). Each failure stops
helm install/upgrade/template with a message naming the values to change.
*/}}
{{- define "amtsbote-lib.validate" -}}
{{- $cfg := include "amtsbote-lib.config" . | fromYaml -}}
{{- $refs := include "amtsbote-lib.secretRefs" . | fromYaml -}}
{{- $partitions := include "amtsbote-lib.partitions" . | int -}}
{{- if .Values.autoscaling.enabled -}}
{{- if gt (int .Values.autoscaling.maxReplicas) $partitions -}}
{{- fail (printf "autoscaling.maxReplicas (%d) is above the partitions of the consumed topics (KAFKA_TOPIC_PARTITIONS=%d): replicas beyond the partition count get no partition and sit idle in the consumer group. Lower maxReplicas or add partitions (and set config.KAFKA_TOPIC_PARTITIONS)." (int .Values.autoscaling.maxReplicas) $partitions) -}}
{{- end -}}
{{- if gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas) -}}
{{- fail (printf "autoscaling.minReplicas (%d) is above autoscaling.maxReplicas (%d)" (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) -}}
{{- end -}}
{{- end -}}
{{- $shutdownMs := $cfg.SHUTDOWN_TIMEOUT_MS | default "10000" | int -}}
{{- $budgetMs := add $shutdownMs (mul (int .Values.preStopSleepSeconds) 1000) -}}
{{- if le (mul (int .Values.terminationGracePeriodSeconds) 1000) $budgetMs -}}
{{- fail (printf "terminationGracePeriodSeconds (%d s) must be longer than preStopSleepSeconds (%d s) plus the service's SHUTDOWN_TIMEOUT_MS (%d ms), or Kubernetes kills the pod in the middle of its shutdown" (int .Values.terminationGracePeriodSeconds) (int .Values.preStopSleepSeconds) $shutdownMs) -}}
{{- end -}}
{{- range $k, $_ := $refs -}}
{{- if hasKey $cfg $k -}}
{{- fail (printf "%s is set both in config (ConfigMap) and in secretEnv (Secret reference); keep it in secretEnv only" $k) -}}
{{- end -}}
{{- end -}}
{{- if and (eq (include "amtsbote-lib.fileStoreKind" .) "s3") (not .Values.fileStore.s3.bucket) -}}
{{- fail "fileStore.kind is s3 but fileStore.s3.bucket is empty: name the bucket the service keeps its files in" -}}
{{- end -}}
{{- if and .Values.serviceMonitor.enabled (not (hasKey $refs "METRICS_TOKEN")) (ne (toString ($cfg.METRICS_PUBLIC | default "false")) "true") -}}
{{- fail "serviceMonitor.enabled scrapes /metrics, which is closed without a token: put METRICS_TOKEN into secretEnv (global.secretEnv for all services); the ServiceMonitor sends it" -}}
{{- end -}}
{{- range $name, $vol := (.Values.volumes | default dict) -}}
{{- if and $vol (or (eq $vol.mountPath "/tmp") (eq $vol.mountPath "/app") (hasPrefix "/app/" $vol.mountPath)) -}}
{{- fail (printf "volumes.%s.mountPath %s would hide /tmp or the image's code" $name $vol.mountPath) -}}
{{- end -}}
{{- end -}}
{{- end -}}
