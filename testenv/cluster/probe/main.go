// Command probe is the test image of the cluster tier: a small HTTP server that Pods run so that
// tests on the host can check what a Pod reaches. Standard library only.
//
//	GET /                         "probe <hostname>"
//	GET /grpc-health?addr=H:P     the gRPC health status of H:P (plaintext HTTP/2), e.g. Temporal
//	GET /temporal-describe?addr=H:P&namespace=N&workflowId=W
//	                              Temporal's DescribeWorkflowExecution: "grpc-status S: message"
//	GET /whoami                   a SelfSubjectReview through the kubernetes Service with the
//	                              Pod's projected token, verified with the Pod's kube-root CA
package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"time"
)

const saDir = "/var/run/secrets/kubernetes.io/serviceaccount"

func main() {
	addr := ":8080"
	if len(os.Args) > 1 {
		addr = os.Args[1]
	}
	host, _ := os.Hostname()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "probe %s\n", host)
	})
	mux.HandleFunc("GET /grpc-health", grpcHealth)
	mux.HandleFunc("GET /temporal-describe", temporalDescribe)
	mux.HandleFunc("GET /whoami", whoami)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Printf("probe listening on %s", addr)
	log.Fatal(srv.ListenAndServe())
}

// grpcCall makes one unary gRPC call over plaintext HTTP/2 (h2c) and returns the grpc-status,
// grpc-message and the response message (without its 5-byte frame header).
func grpcCall(target, method string, message []byte) (string, string, []byte, error) {
	protocols := new(http.Protocols)
	protocols.SetUnencryptedHTTP2(true)
	client := &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{Protocols: protocols},
	}
	frame := append([]byte{0, byte(len(message) >> 24), byte(len(message) >> 16), byte(len(message) >> 8), byte(len(message))}, message...)
	req, err := http.NewRequest(http.MethodPost, "http://"+target+method, bytes.NewReader(frame))
	if err != nil {
		return "", "", nil, err
	}
	req.Header.Set("content-type", "application/grpc")
	req.Header.Set("te", "trailers")
	res, err := client.Do(req)
	if err != nil {
		return "", "", nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return "", "", nil, err
	}
	status, msg := res.Trailer.Get("grpc-status"), res.Trailer.Get("grpc-message")
	if status == "" { // a trailers-only answer carries them as headers
		status, msg = res.Header.Get("grpc-status"), res.Header.Get("grpc-message")
	}
	if len(body) >= 5 {
		body = body[5:]
	}
	return status, msg, body, nil
}

// protoString encodes a length-delimited protobuf field (strings and embedded messages < 128 B).
func protoString(field byte, value []byte) []byte {
	return append([]byte{field<<3 | 2, byte(len(value))}, value...)
}

// grpcHealth calls grpc.health.v1.Health/Check and answers the status number (1 = SERVING).
func grpcHealth(w http.ResponseWriter, r *http.Request) {
	target := r.URL.Query().Get("addr")
	if target == "" {
		http.Error(w, "addr is required", http.StatusBadRequest)
		return
	}
	status, msg, body, err := grpcCall(target, "/grpc.health.v1.Health/Check", nil)
	if err != nil {
		http.Error(w, "grpc call failed: "+err.Error(), http.StatusBadGateway)
		return
	}
	// HealthCheckResponse{status: N} is encoded as 0x08 N.
	if status != "0" || len(body) < 2 || body[0] != 0x08 {
		http.Error(w, fmt.Sprintf("unexpected grpc answer: status %q (%s), body %x", status, msg, body), http.StatusBadGateway)
		return
	}
	fmt.Fprintf(w, "%d\n", body[1])
}

// temporalDescribe calls Temporal's DescribeWorkflowExecution, which the frontend hands to the
// history service, and answers "grpc-status N: message". Status 0 or 5 (NOT_FOUND) proves the
// call went past the frontend.
func temporalDescribe(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	target, namespace, workflowID := q.Get("addr"), q.Get("namespace"), q.Get("workflowId")
	if target == "" || namespace == "" || workflowID == "" || len(workflowID) > 100 || len(namespace) > 100 {
		http.Error(w, "addr, namespace and workflowId (each under 100 bytes) are required", http.StatusBadRequest)
		return
	}
	request := append(protoString(1, []byte(namespace)), protoString(2, protoString(1, []byte(workflowID)))...)
	status, msg, _, err := grpcCall(target, "/temporal.api.workflowservice.v1.WorkflowService/DescribeWorkflowExecution", request)
	if err != nil {
		http.Error(w, "grpc call failed: "+err.Error(), http.StatusBadGateway)
		return
	}
	fmt.Fprintf(w, "grpc-status %s: %s\n", status, msg)
}

// whoami posts a SelfSubjectReview to the API server at the address the kubelet put in the
// Pod's environment (the kubernetes Service) and returns the answer as it came.
func whoami(w http.ResponseWriter, r *http.Request) {
	token, err := os.ReadFile(saDir + "/token")
	if err != nil {
		http.Error(w, "no projected token: "+err.Error(), http.StatusInternalServerError)
		return
	}
	caPEM, err := os.ReadFile(saDir + "/ca.crt")
	if err != nil {
		http.Error(w, "no CA bundle: "+err.Error(), http.StatusInternalServerError)
		return
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		http.Error(w, "the CA bundle holds no certificate", http.StatusInternalServerError)
		return
	}
	host := r.URL.Query().Get("host")
	if host == "" {
		host = os.Getenv("KUBERNETES_SERVICE_HOST") + ":" + os.Getenv("KUBERNETES_SERVICE_PORT")
	}
	client := &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
	}
	body := `{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}`
	req, err := http.NewRequest(http.MethodPost, "https://"+host+"/apis/authentication.k8s.io/v1/selfsubjectreviews",
		bytes.NewReader([]byte(body)))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req.Header.Set("content-type", "application/json")
	req.Header.Set("authorization", "Bearer "+string(bytes.TrimSpace(token)))
	res, err := client.Do(req)
	if err != nil {
		http.Error(w, "API server call failed: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer res.Body.Close()
	w.Header().Set("content-type", "application/json")
	w.WriteHeader(res.StatusCode)
	if _, err := io.Copy(w, res.Body); err != nil {
		log.Printf("copying the answer failed: %v", err)
	}
}
