"""Models of 公共法律服务."""
