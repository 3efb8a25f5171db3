/* testkeys: public keys made by ssh-keygen for tests/unit/test_keys_*.c. */
#ifndef SESAME_TEST_KEYS_TESTKEYS_H
#define SESAME_TEST_KEYS_TESTKEYS_H

#define KEY_ED25519                                                            \
	"ssh-ed25519 "                                                         \
	"AAAAC3NzaC1lZDI1NTE5AAAAIPcuwGDs7/blRwZGYV8L9XcxLFL5ftcfDn"           \
	"D/mDcoNkzb"
#define KEY_ECDSA256                                                           \
	"ecdsa-sha2-nistp256 "                                                 \
	"AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAA"                   \
	"BBBJ7vWFNrUq9YsJR9h4DPjwslVGSOX+FAXwa/"                               \
	"6gRppXEyXsqIO16cs50qf8xhgEE5RNTw"                                     \
	"nITIkTn1yjusNwu1hRk="
#define KEY_ECDSA384                                                           \
	"ecdsa-sha2-nistp384 "                                                 \
	"AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAA"                   \
	"BhBGAh7cMPhWz8YUfdtclQzT/sVQbtsGVKbGmpC/YoYkVIczPGnbHzm+8uZ0vjwWL/"   \
	"Hvh5"                                                                 \
	"zxC1MghXpf4BuxV4T7kWefYJa/8jUVEZYDVc5wxtskudOq4lJNYXQmUXDostRg=="
#define KEY_ECDSA521                                                           \
	"ecdsa-sha2-nistp521 "                                                 \
	"AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAA"                   \
	"CFBADeiIASTxLjBGLQc74WkVvrxlG0Iuhng3O+8XlzhredqI7df/Midzbl/"          \
	"A4ISoU4Qyct"                                                          \
	"5egBO0RKuQXqDi3zZ97i2QEnVIY7muX6zNAPY6MEwfp4PPLwzuqs5E4nAnJtHCiJveAL" \
	"Dz"                                                                   \
	"qHtXD7FA2974cKFoLXPcmBE1w3ajDq6SG74cSpEA=="
#define KEY_RSA3072                                                            \
	"ssh-rsa "                                                             \
	"AAAAB3NzaC1yc2EAAAADAQABAAABgQCTMAY3lkdfLnKnQE2wg7p5KyEa8EB4l2"       \
	"7Qc4pHJsnfgTPwJNZNnw0dtYhTf0a/OUZ1H7dhI8sxg1BucwZ54WtVDOaI+8JOtx/"    \
	"odVlq"                                                                \
	"+PLh6tkdTAi3uBnxKbDUndVEC/TrQmcc4ml90nTTFICYnIPQyTF/"                 \
	"6XHQRuSiPpTcjOdjJM"                                                   \
	"07Zo2zdUum6joDt9x2TQ9jcaWklukvBawR3tgYw707Akpy7oT5VkVabp4oLWKAzJQorD" \
	"DS"                                                                   \
	"lTu2QwS1QMv8VoSuVtNSVc+HCFFhSMhnOSmuAecm9I/vPoP/"                     \
	"UWcYvuy0qIqNX4DLEuU6ZI"                                               \
	"3+nY533RTo+/"                                                         \
	"hMGHGIROaDtQHcnVgi+I9Jp1mDIWtIglErb7ZZNbWyzYLuZImXSF2FfapG"           \
	"UJq7zDV9odlkophRIlEz3LZ+NLK0WZPCfLMhwcAHWPuhE2Q0CKj0X+M3VdCExkQP4/"   \
	"hxTF"                                                                 \
	"4NIadZrU1Q1CHGxb8WDVewF3dsIWzdQ+9YZrYnc6BZilTq/mSDGZaC5ycRVRM="
#define KEY_RSA2048                                                            \
	"ssh-rsa "                                                             \
	"AAAAB3NzaC1yc2EAAAADAQABAAABAQCz12nACSf/UWNG4GTsnNVv6PSyv4ISRk"       \
	"4vjVKOMlCdMk0y4qLZRMKyjkemm+"                                         \
	"XHhcpRxEGpWNbwKYlidodp4Bj9YX0gqZaaZajUMg/o"                           \
	"NSnnKoZxiEkSoUGOquOxagAQdWwXsrjjhcB6wVx4VfmfHk65Z7nusC6Hvq6z52yJFBqa" \
	"dL"                                                                   \
	"+GolYFJAFHVQmzCdCxBHp13isPEARgNuPDtxTKQod2kFg9TwyPSXYmDnFTLNGRWONqk+" \
	"OS"                                                                   \
	"YrJwSYvjjMwn5pxpPAegqC6zAi/WP6cUVjYQT0HDWN1EYio/o7Qw/"                \
	"1t2nLuDP+LPloawVE"                                                    \
	"9LoP/AZAEdQyvz96tljyzrGhbE7eKl"
#define KEY_RSA1024                                                            \
	"ssh-rsa "                                                             \
	"AAAAB3NzaC1yc2EAAAADAQABAAAAgQDA5SXxCSFCiDRLqniBtfldAhC1JWU+jF"       \
	"guDkKCs20N+"                                                          \
	"Ot3Tp9QyTxX51MV6q239vlxnbdpw0xsW3Ev7VOXY1MbuyPGp7KcyvtmZemS"          \
	"RClKm8wYu9c4bw2PB7YiU1nnJffra2qlT+a42cJpbgU0RT2oi6X/"                 \
	"AXTfM8ClaWlFKoBTOw"                                                   \
	"=="
#define KEY_DSA                                                                \
	"ssh-dss "                                                             \
	"AAAAB3NzaC1kc3MAAACBAOwu/IxnN5eKuj6xYfz2aV1DJxvoTDwKhUscggXlxJ"       \
	"SNSwtkd8ApVBBI/"                                                      \
	"VYcN6gWxeUMT8rGfLa1cq3XEKSmqc5o6Xi62zVBolQ8AZfH+KeX39qv"              \
	"ivtkYtcK+35M0wH9Rfj7KcpM2ERRi8dOuQjO6u9G4EEf6T+"                      \
	"yQvLW3dtlhy3tAAAAFQCqng"                                              \
	"gLyJ7PknOy6SMLJgDAS3M8VwAAAIBS2xs2it4YyhnUF+JAqauS7fBaT/"             \
	"IfSr+mOa84Jl1n"                                                       \
	"t05IUNfYugeMREdDbB1M7iVluMo/"                                         \
	"j1rg+a248hGH3xvc2922ZL080EL2wWZIWOFhw3Kyjl"                           \
	"qTTHYXQ0XNIiR9P6QSvZl+2bG1n3zo+NlKBuTrb5UfVtg012MEmqr9JqLaXwAAAIBP+"  \
	"cca"                                                                  \
	"4eOuvu0qDXiBiTJ8IT3QgbXKs3uQTK1bFSmJOV1yCdo0TyrQC8L865PdAM03IpZqTgLM" \
	"2v"                                                                   \
	"XMPzPm0g6lGMfs94jFdg6ZZt6N7GjxAvCSUWQcEhpsP3xhq/"                     \
	"MpyxnWj3Y0Tkzx6u5tIBV7"                                               \
	"AxTM8+WaqcbPHw1Qe7cC0lwJmQ=="
#define KEY_SK_ED25519                                                         \
	"sk-ssh-ed25519@openssh.com "                                          \
	"AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAA"                          \
	"AIIm/vMRYXOaPkDbTfrvXSyFrhIBo0/BTnQV9i0ihKW/bAAAABHNzaDo="
#define KEY_SK_ECDSA                                                           \
	"sk-ecdsa-sha2-nistp256@openssh.com "                                  \
	"AAAAInNrLWVjZHNhLXNoYTItbmlzdHAyNTZ"                                  \
	"Ab3BlbnNzaC5jb20AAAAIbmlzdHAyNTYAAABBBJ7vWFNrUq9YsJR9h4DPjwslVGSOX+"  \
	"FAX"                                                                  \
	"wa/6gRppXEyXsqIO16cs50qf8xhgEE5RNTwnITIkTn1yjusNwu1hRkAAAAEc3NoOg=="
#define FP_ED25519                                                             \
	"256 SHA256:Jy0rKZthVEWo4EUYJ5UfO2QsaK8M+by1mQWl00mw5IA (ED25519)"
#define FP_ECDSA256                                                            \
	"256 SHA256:IvapRCM8CoRIQQ3XY8dl+rCvNKBabqWCPBoimSFGP6s (ECDSA)"
#define FP_ECDSA384                                                            \
	"384 SHA256:I+5/E732EQYfR2wPu+UMgc3O3e4KGMdKYsT/KZcrnHc (ECDSA)"
#define FP_ECDSA521                                                            \
	"521 SHA256:5cgvVP0TOwL66NZPAJA/5blXhoCqs0JjVUYivpi0J2s (ECDSA)"
#define FP_RSA3072                                                             \
	"3072 SHA256:1MxGKcafnUXZligvF21yuWFZ0bOAgr5LtIXrhrU2rRk (RSA)"
#define FP_RSA2048                                                             \
	"2048 SHA256:AJSQfD88HvoCeYk5yyF7k07EsIIoaoCHcXMOj3qJXs0 (RSA)"
#define FP_SK_ED25519                                                          \
	"256 SHA256:27YKc21wbDO5nBD+E26rxRAI6zQaCRVR3eJQDgSjcwg (ED25519-SK)"
#define FP_SK_ECDSA                                                            \
	"256 SHA256:rxw8ipq6UXAcPNJS2PD1n6XNNRyJksV67/ZNCHulfAY (ECDSA-SK)"

#endif
