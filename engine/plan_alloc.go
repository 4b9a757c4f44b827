package engine

// allocate gives every storage a backend buffer. Pinned storages (leaves,
// constants, published values) get their own for the whole run; the others
// live from the step that first writes them to the step that last reads them,
// after which their buffer goes back to a pool from which later storages of
// the same length take theirs.
func (p *Plan) allocate() {
	for i, in := range p.prog {
		for _, id := range in.reads {
			p.store[id].last = i
		}
		for _, id := range in.writes {
			if p.store[id].def < 0 {
				p.store[id].def = i
			}
		}
	}
	for i := range p.store {
		s := &p.store[i]
		if s.buf == nil && (s.pinned || s.def < 0) {
			s.buf = p.be.Alloc(s.n)
			if s.constant != nil {
				p.be.Upload(s.buf, s.constant)
			}
		}
	}
	free := map[int][]Buffer{} // by length
	for i, in := range p.prog {
		for _, id := range in.writes {
			s := &p.store[id]
			if s.buf != nil {
				continue
			}
			if pool := free[s.n]; len(pool) > 0 {
				s.buf, free[s.n] = pool[len(pool)-1], pool[:len(pool)-1]
			} else {
				s.buf = p.be.Alloc(s.n)
			}
		}
		for _, ids := range [][]int{in.reads, in.writes} {
			for _, id := range ids {
				s := &p.store[id]
				if !s.pinned && !s.freed && s.last <= i && s.buf != nil {
					free[s.n] = append(free[s.n], s.buf)
					s.freed = true
				}
			}
		}
	}
}
