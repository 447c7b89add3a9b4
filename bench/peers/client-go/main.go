// Command client-go-peer runs client-go's SharedIndexInformer (typed or metadata) against the peer benchmark's
// replay server, or times its workqueue, and prints one JSON line of results (see bench/peers/protocol.ts).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/metadata/metadatainformer"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
)

type memory struct {
	Heap int64 `json:"heap"`
	RSS  int64 `json:"rss"`
}

func measure() memory {
	runtime.GC()
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	return memory{Heap: int64(stats.HeapAlloc), RSS: vmRSS()}
}

// vmRSS reads the resident set size from /proc/self/status, as the kernel (and a container limit) counts it.
func vmRSS() int64 {
	return procStatus("VmRSS:")
}

// procStatus reads one kB field of /proc/self/status, in bytes; -1 when missing.
func procStatus(field string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, field) {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(strings.TrimPrefix(line, field)), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return -1
}

// cpuMs is the CPU time (user + system, all threads) the process has used so far.
func cpuMs() float64 {
	var usage syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &usage)
	return float64(usage.Utime.Nano()+usage.Stime.Nano()) / 1e6
}

// relist expires the watch (a 410 ERROR event makes the informer relist) and measures the relist until reached
// closes, as bench/peers/protocol.ts does: the kernel's RSS high-water mark (reset first), and RSS sampled every 5 ms.
func relist(url string, reached <-chan struct{}) map[string]float64 {
	reset := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	var sampled atomic.Int64
	sampled.Store(vmRSS())
	stop := make(chan struct{})
	go func() {
		ticker := time.NewTicker(5 * time.Millisecond)
		defer ticker.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ticker.C:
				if rss := vmRSS(); rss > sampled.Load() {
					sampled.Store(rss)
				}
			}
		}
	}()
	begin := time.Now()
	control(url, "expire")
	<-reached
	ms := float64(time.Since(begin).Microseconds()) / 1000
	close(stop)
	peak := sampled.Load()
	if mark := procStatus("VmHWM:"); reset && mark > peak {
		peak = mark
	}
	return map[string]float64{"ms": ms, "peakRss": float64(peak)}
}

// counter counts handler calls and closes reached once the count hits target.
type counter struct {
	count   atomic.Int64
	target  atomic.Int64
	reached chan struct{}
}

func (c *counter) arm(target int64) {
	c.count.Store(0)
	c.reached = make(chan struct{})
	c.target.Store(target)
}

func (c *counter) inc() {
	if c.count.Add(1) == c.target.Load() {
		close(c.reached)
	}
}

func control(url, action string) {
	resp, err := http.Post(url+"/control/"+action, "text/plain", nil)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
}

func runInformer(url, mode string, n, m int64) map[string]any {
	config := &rest.Config{Host: url, ContentConfig: rest.ContentConfig{ContentType: "application/json"}, QPS: -1}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var informer cache.SharedIndexInformer
	if mode == "metadata" {
		client := metadata.NewForConfigOrDie(config)
		factory := metadatainformer.NewSharedInformerFactory(client, 0)
		informer = factory.ForResource(schema.GroupVersionResource{Version: "v1", Resource: "pods"}).Informer()
	} else {
		factory := informers.NewSharedInformerFactory(kubernetes.NewForConfigOrDie(config), 0)
		informer = factory.Core().V1().Pods().Informer()
	}
	if mode == "stripped" {
		// The same transform as kubeloop's stripManagedFields, the one client-go's docs suggest.
		_ = informer.SetTransform(func(obj any) (any, error) {
			if accessor, err := meta.Accessor(obj); err == nil {
				accessor.SetManagedFields(nil)
			}
			return obj, nil
		})
	}
	adds, updates := &counter{}, &counter{}
	adds.arm(n)
	updates.arm(m)
	// After the burst, updates count the relist instead: it updates every pod the burst changed.
	var onUpdate atomic.Pointer[counter]
	onUpdate.Store(updates)
	_, _ = informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(any) { adds.inc() },
		UpdateFunc: func(any, any) { onUpdate.Load().inc() },
	})
	begin := time.Now()
	go informer.Run(ctx.Done())
	<-adds.reached
	syncMs := float64(time.Since(begin).Microseconds()) / 1000
	afterSync := measure()
	begin = time.Now()
	burstCpu := cpuMs()
	control(url, "burst")
	<-updates.reached
	burstSeconds := time.Since(begin).Seconds()
	burstCpuMs := cpuMs() - burstCpu
	afterBurst := measure()
	result := map[string]any{
		"syncMs": syncMs, "eventsPerSec": float64(m) / burstSeconds, "burstCpuMs": burstCpuMs,
		"afterSync": afterSync, "afterBurst": afterBurst}
	// Only when the burst changed every pod can the relist's end be counted (unchanged pods go unannounced).
	if m >= n {
		relisted := &counter{}
		relisted.arm(n)
		onUpdate.Store(relisted)
		result["relist"] = relist(url, relisted.reached)
	}
	result["objects"] = len(informer.GetStore().ListKeys())
	return result
}

func runWorkqueue(n int) map[string]any {
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprintf("namespace-%d/object-%d", i%100, i)
	}
	figures := map[string]float64{}
	for round := 0; round < 6; round++ {
		queue := workqueue.NewTyped[string]()
		begin := time.Now()
		for _, key := range keys {
			queue.Add(key)
		}
		for range keys {
			item, _ := queue.Get()
			queue.Done(item)
		}
		addGetDone := float64(time.Since(begin).Nanoseconds()) / float64(n)
		for _, key := range keys {
			queue.Add(key)
		}
		begin = time.Now()
		for r := 0; r < 10; r++ {
			for _, key := range keys {
				queue.Add(key)
			}
		}
		reAdd := float64(time.Since(begin).Nanoseconds()) / float64(10*n)
		queue.ShutDown()
		// The first round warms up and is not counted; the median of the rest is taken by the caller.
		if round > 0 {
			figures[fmt.Sprintf("addGetDoneNs%d", round)] = addGetDone
			figures[fmt.Sprintf("reAddNs%d", round)] = reAdd
		}
	}
	return map[string]any{"workqueue": figures}
}

func main() {
	url := flag.String("url", "", "replay server URL")
	mode := flag.String("mode", "full", "full | stripped | metadata | workqueue")
	n := flag.Int64("objects", 10000, "pods listed")
	m := flag.Int64("events", 20000, "MODIFIED events in the burst")
	flag.Parse()
	var result map[string]any
	if *mode == "workqueue" {
		result = runWorkqueue(int(*n))
	} else {
		result = runInformer(*url, *mode, *n, *m)
	}
	result["peer"] = "client-go"
	result["mode"] = *mode
	result["runtime"] = runtime.Version()
	out, _ := json.Marshal(result)
	fmt.Println(string(out))
}
