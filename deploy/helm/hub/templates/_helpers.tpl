{{- define "hub.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "hub.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "hub.selector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The environment of every hub container: configuration as values, secrets by reference. */}}
{{- define "hub.env" -}}
- name: HUB_ENV
  value: production
- name: HUB_GRAPHIQL
  value: "false"
- name: HUB_HOST
  value: 0.0.0.0
- name: HUB_PORT
  value: "8000"
- name: HUB_STATE_DIR
  value: /var/lib/hub
- name: HUB_ISSUER
  value: {{ .Values.config.issuer | quote }}
- name: NEO4J_URI
  value: {{ .Values.config.neo4jUri | quote }}
- name: NEO4J_USER
  value: {{ .Values.config.neo4jUser | quote }}
- name: NEO4J_DATABASE
  value: {{ .Values.config.neo4jDatabase | quote }}
- name: HUB_REDIS_URL
  value: {{ .Values.config.redisUrl | quote }}
- name: HUB_TRUSTED_PROXIES
  value: {{ .Values.config.trustedProxies | quote }}
- name: HUB_WORKERS
  value: {{ .Values.workers | quote }}
- name: HUB_RATE_LIMIT_PER_MIN
  value: {{ .Values.config.rateLimitPerMin | quote }}
- name: HUB_RATE_LIMIT_BURST
  value: {{ .Values.config.rateLimitBurst | quote }}
- name: HUB_SHUTDOWN_GRACE_S
  value: {{ .Values.config.shutdownGraceSeconds | quote }}
- name: HUB_LOG_LEVEL
  value: {{ .Values.config.logLevel | quote }}
- name: NEO4J_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secrets.name }}
      key: {{ .Values.secrets.neo4jPasswordKey }}
- name: HUB_OAUTH_JWKS
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secrets.name }}
      key: {{ .Values.secrets.jwksKey }}
- name: HUB_AUDIT_SIGNING_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secrets.name }}
      key: {{ .Values.secrets.auditSigningKeyKey }}
{{- end -}}

{{- define "hub.podSecurity" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "hub.containerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end -}}
