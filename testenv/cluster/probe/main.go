// Command probe is the test image of the cluster tier: a small HTTP server that Pods run so that
// tests on the host can check what a Pod reaches. Standard library only.
//
//	GET /                         "probe <hostname>"
//	GET /grpc-health?addr=H:P     the gRPC health status of H:P (plaintext HTTP/2), e.g. Temporal
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
	mux.HandleFunc("GET /whoami", whoami)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Printf("probe listening on %s", addr)
	log.Fatal(srv.ListenAndServe())
}

// grpcHealth calls grpc.health.v1.Health/Check with an empty request over h2c and answers the
// status number (1 = SERVING) or the error.
func grpcHealth(w http.ResponseWriter, r *http.Request) {
	target := r.URL.Query().Get("addr")
	if target == "" {
		http.Error(w, "addr is required", http.StatusBadRequest)
		return
	}
	protocols := new(http.Protocols)
	protocols.SetUnencryptedHTTP2(true)
	client := &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{Protocols: protocols},
	}
	// A gRPC message: uncompressed flag, 4-byte length 0, empty HealthCheckRequest.
	req, err := http.NewRequest(http.MethodPost, "http://"+target+"/grpc.health.v1.Health/Check",
		bytes.NewReader([]byte{0, 0, 0, 0, 0}))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req.Header.Set("content-type", "application/grpc")
	req.Header.Set("te", "trailers")
	res, err := client.Do(req)
	if err != nil {
		http.Error(w, "grpc call failed: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		http.Error(w, "reading the grpc answer failed: "+err.Error(), http.StatusBadGateway)
		return
	}
	grpcStatus := res.Trailer.Get("grpc-status")
	if grpcStatus == "" {
		grpcStatus = res.Header.Get("grpc-status")
	}
	// HealthCheckResponse{status: N} is encoded as 0x08 N after the 5-byte message header.
	if grpcStatus != "0" || len(body) < 7 || body[5] != 0x08 {
		http.Error(w, fmt.Sprintf("unexpected grpc answer: status %q, body %x", grpcStatus, body), http.StatusBadGateway)
		return
	}
	fmt.Fprintf(w, "%d\n", body[6])
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
