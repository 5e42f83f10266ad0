package com.example.ui.spring;

import org.springframework.boot.test.context.SpringBootTest;

/** The page against Spring MVC's controller ({@code StreamingResponseBody}), on Tomcat. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MvcPageTest extends PageOnSpringTest {}
