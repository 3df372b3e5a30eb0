package ofac_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"testing"

	"github.com/sanctiongraph/sanctiongraph/loaders"
	"github.com/sanctiongraph/sanctiongraph/loaders/ofac"
	"github.com/sanctiongraph/sanctiongraph/loaders/sharedtest"
)

// discard is a sink that counts and drops.
type discard struct{ records, skips int }

func (d *discard) Record(context.Context, loaders.Record) error { d.records++; return nil }
func (d *discard) Skip(context.Context, loaders.Skipped) error  { d.skips++; return nil }

func readShared(tb testing.TB, rel string) []byte {
	tb.Helper()
	data, err := os.ReadFile(sharedtest.Path(tb, rel))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func BenchmarkLoadCSV2024(b *testing.B) {
	data := readShared(b, "ofac-sdn-csv-2024/sdn.csv")
	opts := ofac.Options{Published: "2024-05-03"}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	records := 0
	for b.Loop() {
		d := &discard{}
		if _, err := ofac.LoadCSV(b.Context(), ofac.CSVFiles{SDN: bytes.NewReader(data)}, opts, d); err != nil {
			b.Fatal(err)
		}
		records += d.records
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkLoadCSV2021Set(b *testing.B) {
	var files [4][]byte
	for i, name := range []string{"sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"} {
		files[i] = readShared(b, "ofac-sdn-csv-2021/"+name)
	}
	opts := ofac.Options{Published: "2021-07-07"}
	b.SetBytes(int64(len(files[0]) + len(files[1]) + len(files[2]) + len(files[3])))
	b.ReportAllocs()
	records := 0
	for b.Loop() {
		d := &discard{}
		set := ofac.CSVFiles{SDN: bytes.NewReader(files[0]), Add: bytes.NewReader(files[1]), Alt: bytes.NewReader(files[2]), Comments: bytes.NewReader(files[3])}
		if _, err := ofac.LoadCSV(b.Context(), set, opts, d); err != nil {
			b.Fatal(err)
		}
		records += d.records
	}
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkLoadXML(b *testing.B) {
	for _, tt := range []struct{ name, rel string }{
		{"Consolidated2026", "ofac-consolidated-xml/ofac.xml"},
		{"Consolidated2018", "ofac-consolidated-xml-2018/consolidated.xml"},
	} {
		b.Run(tt.name, func(b *testing.B) {
			data := readShared(b, tt.rel)
			opts := ofac.Options{Dataset: ofac.DatasetConsolidated}
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			records := 0
			for b.Loop() {
				d := &discard{}
				if _, err := ofac.LoadXML(b.Context(), bytes.NewReader(data), opts, d); err != nil {
					b.Fatal(err)
				}
				records += d.records
			}
			b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// synthSDN generates n sdn.csv rows, each linked to the one before, without
// holding the file in memory.
type synthSDN struct {
	n, i int
	buf  []byte
}

func (s *synthSDN) Read(p []byte) (int, error) {
	if len(s.buf) == 0 {
		switch {
		case s.i > s.n:
			return 0, io.EOF
		case s.i == s.n:
			s.i++
			return copy(p, []byte{0x1a}), nil // OFAC's end-of-file marker
		}
		s.i++
		s.buf = fmt.Appendf(s.buf[:0], `%d,"SYNTHETIC TRADING %d LLC",-0- ,"SDGT] [DPRK3",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"Tax ID No. %d (Russia); a.k.a. 'SYNTH %d'; Linked To: SYNTHETIC TRADING %d LLC."`+"\r\n",
			s.i, s.i, 7700000000+s.i, s.i, s.i-1)
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	return n, nil
}

// heapSink samples the live heap every 10,000 records.
type heapSink struct {
	discard
	peak uint64
}

func (h *heapSink) Record(ctx context.Context, r loaders.Record) error {
	if h.records%10000 == 0 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		h.peak = max(h.peak, ms.HeapAlloc)
	}
	return h.discard.Record(ctx, r)
}

// peakHeap loads n synthetic rows and returns the peak live heap.
func peakHeap(tb testing.TB, n int, opts ofac.Options) uint64 {
	tb.Helper()
	h := &heapSink{}
	sum, err := ofac.LoadCSV(context.Background(), ofac.CSVFiles{SDN: &synthSDN{n: n}}, opts, h)
	if err != nil {
		tb.Fatal(err)
	}
	if sum.Entries != n {
		tb.Fatalf("Entries = %d, want %d", sum.Entries, n)
	}
	return h.peak
}

// TestLoadCSVMemoryFlat checks that sdn.csv is streamed: without link
// resolution the live heap does not grow with the file; with it, it grows
// by the name index only.
func TestLoadCSVMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 240,000 synthetic rows")
	}
	const small, large = 20000, 100000
	t.Run("NoLinks", func(t *testing.T) {
		opts := ofac.Options{Published: "2024-05-03", NoLinks: true}
		a, b := peakHeap(t, small, opts), peakHeap(t, large, opts)
		t.Logf("peak live heap: %d rows %.1f MB, %d rows %.1f MB", small, float64(a)/1e6, large, float64(b)/1e6)
		if b > a+1<<20 {
			t.Errorf("heap grew by %.1f MB for %d more rows", float64(b-a)/1e6, large-small)
		}
	})
	t.Run("Links", func(t *testing.T) {
		opts := ofac.Options{Published: "2024-05-03"}
		a, b := peakHeap(t, small, opts), peakHeap(t, large, opts)
		per := float64(b-a) / float64(large-small)
		t.Logf("peak live heap: %d rows %.1f MB, %d rows %.1f MB: %.0f bytes per entry for the name index and pending links", small, float64(a)/1e6, large, float64(b)/1e6, per)
		if per > 600 {
			t.Errorf("%.0f bytes per entry, want under 600", per)
		}
	})
}
