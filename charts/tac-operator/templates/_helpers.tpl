{{/*
Names, labels and the pieces every Deployment shares (Temporal connection, /tmp, pod scheduling).
*/}}

{{/* Chart name, overridable with nameOverride. */}}
{{- define "tac-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name prefixing every object: fullnameOverride, else the release name when it already contains
the chart name, else "<release>-<chart>". Truncated to 63 characters (DNS label).
*/}}
{{- define "tac-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* "<chart>-<version>" for the helm.sh/chart label. */}}
{{- define "tac-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "tac-operator.labels" -}}
helm.sh/chart: {{ include "tac-operator.chart" . }}
{{ include "tac-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: tac-operator
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Selector labels shared by all components of the release. */}}
{{- define "tac-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tac-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of one component's objects. Call with (dict "ctx" $ "component" "operator"). */}}
{{- define "tac-operator.componentLabels" -}}
{{ include "tac-operator.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Selector labels of one component. Call with (dict "ctx" $ "component" "operator"). */}}
{{- define "tac-operator.componentSelectorLabels" -}}
{{ include "tac-operator.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/*
Name of a component's objects: "<fullname>-<suffix>", 63 characters at most. The full name is cut
to make room, so the suffix always survives and names of different components never collide.
*/}}
{{- define "tac-operator.componentName" -}}
{{- $room := sub 62 (len .suffix) | int }}
{{- printf "%s-%s" (include "tac-operator.fullname" .ctx | trunc $room | trimSuffix "-") .suffix }}
{{- end }}

{{- define "tac-operator.workflowClient.fullname" -}}
{{- include "tac-operator.componentName" (dict "ctx" . "suffix" "workflow-client") }}
{{- end }}

{{/* Name of the workflow client's Service: the clientEndpointName intents use. */}}
{{- define "tac-operator.workflowClient.serviceName" -}}
{{- default (include "tac-operator.workflowClient.fullname" .) .Values.workflowClient.service.name }}
{{- end }}

{{- define "tac-operator.worker.fullname" -}}
{{- include "tac-operator.componentName" (dict "ctx" . "suffix" "worker") }}
{{- end }}

{{/* Image reference: repository@digest when a digest is given, else repository:tag (tag defaults to appVersion). */}}
{{- define "tac-operator.image" -}}
{{- if .image.digest }}
{{- printf "%s@%s" .image.repository .image.digest }}
{{- else }}
{{- printf "%s:%s" .image.repository (default .ctx.Chart.AppVersion .image.tag) }}
{{- end }}
{{- end }}

{{/* ServiceAccount names. */}}
{{- define "tac-operator.operator.serviceAccountName" -}}
{{- if .Values.operator.serviceAccount.create }}
{{- default (include "tac-operator.fullname" .) .Values.operator.serviceAccount.name }}
{{- else }}
{{- required "operator.serviceAccount.name is required when operator.serviceAccount.create is false" .Values.operator.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "tac-operator.workflowClient.serviceAccountName" -}}
{{- if .Values.workflowClient.serviceAccount.create }}
{{- default (include "tac-operator.workflowClient.fullname" .) .Values.workflowClient.serviceAccount.name }}
{{- else }}
{{- required "workflowClient.serviceAccount.name is required when workflowClient.serviceAccount.create is false" .Values.workflowClient.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "tac-operator.worker.serviceAccountName" -}}
{{- if .Values.worker.serviceAccount.create }}
{{- default (include "tac-operator.worker.fullname" .) .Values.worker.serviceAccount.name }}
{{- else }}
{{- required "worker.serviceAccount.name is required when worker.serviceAccount.create is false" .Values.worker.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Name of the operator's leader-election Lease. */}}
{{- define "tac-operator.operator.leaseName" -}}
{{- default (include "tac-operator.fullname" .) .Values.operator.leaderElection.leaseName }}
{{- end }}

{{/*
Namespace for intents created through the REST API. An explicit value must be watched; the default
is the release namespace when it is watched, else the first watched namespace.
*/}}
{{- define "tac-operator.operator.defaultNamespace" -}}
{{- $watch := .Values.operator.watchNamespaces }}
{{- if .Values.operator.defaultNamespace }}
{{- if and $watch (not (has .Values.operator.defaultNamespace $watch)) }}
{{- fail (printf "operator.defaultNamespace %q must be one of operator.watchNamespaces %v" .Values.operator.defaultNamespace $watch) }}
{{- end }}
{{- .Values.operator.defaultNamespace }}
{{- else if or (not $watch) (has .Release.Namespace $watch) }}
{{- .Release.Namespace }}
{{- else }}
{{- first $watch }}
{{- end }}
{{- end }}

{{/* The chart's own workflow client as the operator names it: its Service name and FQDNs with the port. */}}
{{- define "tac-operator.operator.ownClientEndpoints" -}}
{{- $out := list }}
{{- if .Values.workflowClient.enabled }}
{{- $svc := include "tac-operator.workflowClient.serviceName" . }}
{{- $port := .Values.workflowClient.service.port | int }}
{{- $ns := .Release.Namespace }}
{{- range $host := list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.%s" $svc $ns $.Values.clusterDomain) }}
{{- $out = append $out (printf "%s:%d" $host $port) }}
{{- end }}
{{- end }}
{{- join "," $out }}
{{- end }}

{{/* Workflow-client endpoints the operator may call: the chart's own client Service, then the extras. */}}
{{- define "tac-operator.operator.allowedClientEndpoints" -}}
{{- $own := include "tac-operator.operator.ownClientEndpoints" . }}
{{- $out := ternary (list) (splitList "," $own) (eq $own "") }}
{{- $out = concat $out .Values.operator.invoke.allowedClientEndpoints }}
{{- join "," $out }}
{{- end }}

{{/*
Name of the Secret with the workflow-client token: the one values name, else the one the chart
generates with its workflow client. Empty when token authentication is off (or there is neither).
*/}}
{{- define "tac-operator.workflowClient.tokenSecretName" -}}
{{- $a := .Values.workflowClient.auth }}
{{- if $a.enabled }}
{{- if $a.tokenSecret.name }}
{{- $a.tokenSecret.name }}
{{- else if .Values.workflowClient.enabled }}
{{- include "tac-operator.componentName" (dict "ctx" . "suffix" "workflow-client-token") }}
{{- end }}
{{- end }}
{{- end }}

{{/*
"true" when TLS is asked for, explicitly or by a TLS setting. Otherwise TEMPORAL_TLS stays unset
and the programs decide: plaintext, or TLS when an API key is configured.
*/}}
{{- define "tac-operator.temporal.tlsEnabled" -}}
{{- $t := .Values.temporal.tls }}
{{- if or $t.enabled $t.caSecret.name $t.clientCertSecret.name $t.serverName }}true{{ else }}false{{ end }}
{{- end }}

{{/* TEMPORAL_* environment of every program. */}}
{{- define "tac-operator.temporal.env" -}}
{{- $t := .Values.temporal }}
- name: TEMPORAL_ADDRESS
  value: {{ $t.address | quote }}
- name: TEMPORAL_NAMESPACE
  value: {{ $t.namespace | quote }}
{{- if eq (include "tac-operator.temporal.tlsEnabled" .) "true" }}
- name: TEMPORAL_TLS
  value: "true"
{{- end }}
{{- if $t.tls.serverName }}
- name: TEMPORAL_TLS_SERVER_NAME
  value: {{ $t.tls.serverName | quote }}
{{- end }}
{{- if $t.tls.caSecret.name }}
- name: TEMPORAL_TLS_CA_FILE
  value: /etc/tac/temporal/ca/ca.crt
{{- end }}
{{- if $t.tls.clientCertSecret.name }}
- name: TEMPORAL_TLS_CERT_FILE
  value: /etc/tac/temporal/client/tls.crt
- name: TEMPORAL_TLS_KEY_FILE
  value: /etc/tac/temporal/client/tls.key
{{- end }}
{{- if $t.apiKeySecret.name }}
- name: TEMPORAL_API_KEY_FILE
  value: /etc/tac/temporal/api-key/api-key
{{- end }}
{{- end }}

{{/* Mounts of the Temporal credentials plus the writable /tmp. */}}
{{- define "tac-operator.common.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- $t := .Values.temporal }}
{{- if $t.tls.caSecret.name }}
- name: temporal-ca
  mountPath: /etc/tac/temporal/ca
  readOnly: true
{{- end }}
{{- if $t.tls.clientCertSecret.name }}
- name: temporal-client-cert
  mountPath: /etc/tac/temporal/client
  readOnly: true
{{- end }}
{{- if $t.apiKeySecret.name }}
- name: temporal-api-key
  mountPath: /etc/tac/temporal/api-key
  readOnly: true
{{- end }}
{{- end }}

{{/* Volumes matching tac-operator.common.volumeMounts. */}}
{{- define "tac-operator.common.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpVolume.sizeLimit }}
{{- $t := .Values.temporal }}
{{- if $t.tls.caSecret.name }}
- name: temporal-ca
  secret:
    secretName: {{ $t.tls.caSecret.name }}
    defaultMode: 0440
    items:
      - key: {{ $t.tls.caSecret.key }}
        path: ca.crt
{{- end }}
{{- if $t.tls.clientCertSecret.name }}
- name: temporal-client-cert
  secret:
    secretName: {{ $t.tls.clientCertSecret.name }}
    defaultMode: 0440
    items:
      - key: tls.crt
        path: tls.crt
      - key: tls.key
        path: tls.key
{{- end }}
{{- if $t.apiKeySecret.name }}
- name: temporal-api-key
  secret:
    secretName: {{ $t.apiKeySecret.name }}
    defaultMode: 0440
    items:
      - key: {{ $t.apiKeySecret.key }}
        path: api-key
{{- end }}
{{- end }}

{{/* Pod-spec fields shared by every Deployment. Call with (dict "ctx" $ "c" .Values.<component>). */}}
{{- define "tac-operator.podCommon" -}}
{{- with .ctx.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .ctx.Values.podSecurityContext | nindent 2 }}
terminationGracePeriodSeconds: {{ .c.terminationGracePeriodSeconds }}
{{- with .c.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with .c.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .c.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .c.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .c.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* Pod template annotations: the user's plus any checksums passed in. */}}
{{- define "tac-operator.podAnnotations" -}}
{{- $a := merge (dict) (.extra | default dict) (.c.podAnnotations | default dict) }}
{{- with $a }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* Rules on intents and Events, shared by the ClusterRole and the per-namespace Roles. */}}
{{- define "tac-operator.rbac.intentRules" -}}
- apiGroups:
    - tac.emco.io
  resources:
    - temporalactionintents
  verbs:
    - get
    - list
    - watch
    - create
    - update
    - patch
    - delete
- apiGroups:
    - tac.emco.io
  resources:
    - temporalactionintents/status
  verbs:
    - get
    - update
    - patch
- apiGroups:
    - tac.emco.io
  resources:
    - temporalactionintents/finalizers
  verbs:
    - update
- apiGroups:
    - ""
  resources:
    - events
  verbs:
    - create
    - patch
- apiGroups:
    - events.k8s.io
  resources:
    - events
  verbs:
    - create
    - patch
{{- end }}

{{- /* The Secret holding the operator's REST serving certificate: the given one, else the chart's (generated or cert-manager). */ -}}
{{- define "tac-operator.operator.restTlsSecret" -}}
{{- .Values.operator.rest.tls.secretName | default (include "tac-operator.componentName" (dict "ctx" . "suffix" "rest-tls")) -}}
{{- end }}

{{- /* DNS names of the operator's Service, for its serving certificate. */ -}}
{{- define "tac-operator.operator.restDnsNames" -}}
{{- $svc := include "tac-operator.fullname" . -}}
{{- $ns := .Release.Namespace -}}
{{- list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.%s" $svc $ns .Values.clusterDomain) | toJson -}}
{{- end }}
