// Embedding lookups of engine.Backend: Gather copies table rows named by
// ids (integers stored as float32) and ScatterAdd, its adjoint, adds rows
// back. ScatterAdd gives each thread a column of the table and walks the
// ids in order, as engine/cpu does, so a repeated id sums its rows in the
// same order and the results are engine/cpu's bits, without atomics.
//
// engine/cpu panics on an id that is not an integer in [0, vocab); a
// kernel cannot, so Gather writes NaN rows for such an id (the loss turns
// NaN, which the trainer reports) and ScatterAdd skips it (no write out
// of bounds).

// row_id returns ids[i] as a row of a table of vocab rows, or −1 when it
// is not an integer in [0, vocab). The range is checked in float before
// the conversion, which would be undefined out of int's range.
__device__ __forceinline__ int row_id(const float* ids, i64 i, int vocab) {
  const float v = ids[i];
  if (!(v >= 0.0f && v < (float)vocab)) return -1;  // NaN fails too
  const int r = (int)v;
  return ((float)r == v && r < vocab) ? r : -1;
}

// gather is Backend.Gather: out [n, dim], one thread per element.
extern "C" __global__ void gather(const float* table, int vocab, int dim, const float* ids, int n, float* out) {
  GENXAI_GRID_LOOP(i, (i64)n * dim) {
    const i64 row = i / dim;
    const int r = row_id(ids, row, vocab);
    out[i] = r < 0 ? __int_as_float(0x7fc00000) : table[(i64)r * dim + (i - row * dim)];
  }
}

// scatter_add is Backend.ScatterAdd: one thread per column j of table
// [vocab, dim], adding dout[i, j] onto table[ids[i], j] for i in order.
extern "C" __global__ void scatter_add(const float* dout, const float* ids, int n, float* table, int vocab, int dim) {
  GENXAI_GRID_LOOP(j, (i64)dim) {
    for (int i = 0; i < n; i++) {
      const int r = row_id(ids, i, vocab);
      if (r >= 0) table[(i64)r * dim + j] += dout[(i64)i * dim + j];
    }
  }
}
