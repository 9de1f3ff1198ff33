{
  "targets": [
    {
      "target_name": "xirsa_exchange",
      "sources": ["exchange.c"],
      "cflags": ["-Wall", "-Wextra", "-Werror=implicit-function-declaration"]
    }
  ]
}
