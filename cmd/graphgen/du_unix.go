//go:build unix

package main

import (
	"io/fs"
	"syscall"
)

// allocated is the disk space a file takes: its blocks where the system
// says, otherwise its size.
func allocated(info fs.FileInfo) int64 {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return st.Blocks * 512
	}
	return info.Size()
}
