# The Python module (python/newsidx): `make check` runs its tests over the
# library of this build; it is installed with pip (python/README.md), not
# by `make install`.
TESTS += tests/python/test_python.sh
dist_check_SCRIPTS += tests/python/test_python.sh
EXTRA_DIST += python/python.mk python/pyproject.toml python/README.md \
	python/newsidx/__init__.py python/newsidx/_lib.py \
	tests/python/test_newsidx.py tests/python/layout.c
