package ftm

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/loaders"
	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
	"github.com/sanctiongraph/sanctiongraph/schema"
)

// BenchmarkLoadZala loads the zala sample from memory into a discarding
// sink and reports records/s: in one pass with a prebuilt Index, and in
// the three passes of LoadPasses (the Index included).
func BenchmarkLoadZala(b *testing.B) {
	data, err := os.ReadFile(sharedtest.Path(b, zalaFile))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	idx, err := BuildIndex(ctx, bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	m := schema.MustModel()
	for _, bc := range []struct {
		name string
		load func(sink loaders.Sink) (Summary, error)
	}{
		{"OnePass", func(sink loaders.Sink) (Summary, error) {
			return Load(ctx, bytes.NewReader(data), Options{Name: "zala", Index: idx, Model: m}, sink)
		}},
		{"Passes", func(sink loaders.Sink) (Summary, error) {
			return LoadPasses(ctx, open, Options{Name: "zala", Model: m}, sink)
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var records, lines int
			for b.Loop() {
				sink := &discard{}
				sum, err := bc.load(sink)
				if err != nil {
					b.Fatal(err)
				}
				records += sink.records
				lines += sum.Lines
			}
			s := b.Elapsed().Seconds()
			b.ReportMetric(float64(records)/s, "records/s")
			b.ReportMetric(float64(lines)/s, "lines/s")
		})
	}
}

// synthetic generates n FtM lines on the fly: a person, a company and an
// ownership between them, in turn, and every tenth line an address the
// company references. The heap it needs does not depend on n.
type synthetic struct {
	n, i int
	buf  bytes.Buffer
}

func (s *synthetic) Read(p []byte) (int, error) {
	for s.buf.Len() < len(p) && s.i < s.n {
		s.line()
		s.i++
	}
	if s.buf.Len() == 0 {
		return 0, io.EOF
	}
	return s.buf.Read(p)
}

func (s *synthetic) line() {
	i := s.i
	k := i / 4
	switch i % 4 {
	case 0:
		fmt.Fprintf(&s.buf, `{"id":"NK-person%08d","caption":"Person %d","schema":"Person","properties":{"name":["Person %d","Персона %d"],"birthDate":["1970-01-01"],"nationality":["ru"],"position":["Director"]},"datasets":["us_ofac_sdn"],"last_change":"2024-01-01T00:00:00"}`+"\n", k, k, k, k)
	case 1:
		fmt.Fprintf(&s.buf, `{"id":"NK-company%08d","caption":"Company %d","schema":"Company","properties":{"name":["Company %d"],"jurisdiction":["ru"],"innCode":["77%08d"],"addressEntity":["addr-%08d"]},"datasets":["eu_fsf"],"last_change":"2024-01-01T00:00:00"}`+"\n", k, k, k, k, k)
	case 2:
		fmt.Fprintf(&s.buf, `{"id":"own-%08d","caption":"Ownership","schema":"Ownership","properties":{"owner":["NK-person%08d"],"asset":["NK-company%08d"],"percentage":["50"]},"datasets":["ext_ru_egrul"],"last_change":"2024-01-01T00:00:00"}`+"\n", k, k, k)
	case 3:
		fmt.Fprintf(&s.buf, `{"id":"addr-%08d","caption":"Address","schema":"Address","properties":{"full":["%d Test Street, Moscow, 101000, Russia"]},"datasets":["eu_fsf"],"last_change":"2024-01-01T00:00:00"}`+"\n", k, k)
	}
}

// heapSampler is a discarding sink that measures the live heap at given
// record counts.
type heapSampler struct {
	records int
	at      map[int]uint64
}

func (h *heapSampler) Record(context.Context, loaders.Record) error {
	h.records++
	if _, ok := h.at[h.records]; ok {
		h.at[h.records] = liveHeap()
	}
	return nil
}

func (h *heapSampler) Skip(context.Context, loaders.Skipped) error { return nil }

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestLoadMemoryFlat streams 200,000 lines through Load without an Index:
// the live heap after 20,000 records and after 140,000 must be about the
// same, whatever the file's size. (Addresses are skipped without an Index,
// and kept as a line number and id each until the end: that is the only
// state that grows, and it is checked here too.)
func TestLoadMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 200,000 lines")
	}
	sink := &heapSampler{at: map[int]uint64{20000: 0, 140000: 0}}
	sum, err := Load(context.Background(), &synthetic{n: 200000}, Options{Name: "synthetic"}, sink)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Lines != 200000 || sum.Accounted() != sum.Lines {
		t.Fatalf("summary %+v", sum)
	}
	early, late := sink.at[20000], sink.at[140000]
	if late > early+2<<20 {
		t.Errorf("heap grew from %d to %d bytes between records 20,000 and 140,000", early, late)
	}
	t.Logf("live heap: %d KiB after 20,000 records, %d KiB after 140,000", early>>10, late>>10)
}

// BenchmarkIndexMemory reports what the Index keeps per indexed entity
// (the B/entity metric): 100,000 synthetic lines, of which 50,000 persons
// and companies and 25,000 addresses are indexed.
func BenchmarkIndexMemory(b *testing.B) {
	const n = 100000
	for b.Loop() {
		before := liveHeap()
		idx, err := BuildIndex(context.Background(), &synthetic{n: n})
		if err != nil {
			b.Fatal(err)
		}
		after := liveHeap()
		b.ReportMetric(float64(after-before)/float64(idx.Len()), "B/entity")
		b.ReportMetric(float64(idx.Len()), "entities")
		runtime.KeepAlive(idx)
	}
}
