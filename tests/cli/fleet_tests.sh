source "$(dirname "$0")/test_lib.sh"
summary
