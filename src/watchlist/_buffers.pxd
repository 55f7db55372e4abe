# cython: language_level=3
"""Raw access to the int32 and float32 arrays the compiled cores read, for the duration
of one call.

A query hands the cores some thirty small arrays (postings, scores, similarity
matrices). Cython's typed memoryviews create and validate an object for each, which cost
more than reading the arrays; the buffer protocol alone is a fraction of that. Every
buffer taken is released by ``release``.
"""

from cpython.buffer cimport (
    PyBUF_C_CONTIGUOUS,
    PyBUF_FORMAT,
    PyBUF_WRITABLE,
    PyBuffer_Release,
    PyObject_GetBuffer,
)
from libc.stdlib cimport free, malloc


cdef struct Buffers:
    Py_buffer* views
    int count
    int size


cdef inline int open_buffers(Buffers* b, int size) except -1:
    b.count = 0
    b.size = size
    b.views = <Py_buffer*>malloc((size + 1) * sizeof(Py_buffer))
    if b.views == NULL:
        raise MemoryError()
    return 0


cdef inline void* take(Buffers* b, object obj, char kind, int ndim, bint writable, Py_ssize_t* shape) except? NULL:
    """The data of ``obj``, a C-contiguous array of ``ndim`` dimensions (their sizes into
    ``shape``) of 4-byte ``kind`` items: 'i' int32, 'f' float32."""
    cdef Py_buffer* v
    cdef int d
    if b.count >= b.size:
        raise IndexError("more buffers than opened for")
    v = &b.views[b.count]
    PyObject_GetBuffer(obj, v, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (PyBUF_WRITABLE if writable else 0))
    b.count += 1
    if v.ndim != ndim or v.itemsize != 4 or v.format == NULL or v.format[0] != kind or v.format[1] != 0:
        raise TypeError("expected a C-contiguous array of " + ("int32" if kind == b"i" else "float32"))
    for d in range(ndim):
        shape[d] = v.shape[d]
    return v.buf


cdef inline void release(Buffers* b) noexcept:
    cdef int k
    if b.views == NULL:
        return
    for k in range(b.count):
        PyBuffer_Release(&b.views[k])
    free(b.views)
    b.views = NULL
